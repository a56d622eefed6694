import { exec } from "child_process";
import * as fs from "fs/promises";
import path from "path";

export async function handle({ path: p, content }: { path: string; content: string }) {
  await fs.writeFile(p, content);
}

export async function args(args: any, request: any) {
  const root = "/srv/data";
  const full = path.join(root, args.path);
  await fs.readFile(full);
  const url = request.params.arguments.url;
  await fetch(url);
  const { name, arguments: a } = request.params;
  exec(`echo ${a.msg}`);
  const t = a.cmd.trim();
  exec(t);
  const x = (a.alt ?? "default") || "other";
  exec(x);
  const obj = { cmd: a.cmd, cwd: root };
  helper(obj);
  exec(String(a.n));
  fetch(new URL(a.u).toString());
  const cond = a.flag ? a.one : "two";
  exec(cond);
  return await sanitize(a.dir);
}

function sanitize(d: string) {
  return d.replace(/\.\./g, "");
}

function helper(o: any) {
  return o;
}

export const tool = async ({ cmd }: { cmd: string }) => {
  await new Promise((r) => exec(cmd, r));
};

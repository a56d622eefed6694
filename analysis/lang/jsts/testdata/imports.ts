import fs from "fs";
import * as cp from "node:child_process";
import { exec as run, spawn } from "child_process";
import { promises as fsp } from "fs";
import fsPromises from "fs/promises";
import { lookup } from "node:dns/promises";
import axios from "axios";
import { readIt } from "./helpers.js";
import "./side-effect.js";
import type { Pool } from "pg";

export async function main(p: string) {
  fs.readFile(p, () => {});
  cp.execSync("ls -la");
  run(`git ${p}`);
  spawn("node", ["server.js", p]);
  await fsp.writeFile(p, "data");
  await fsPromises.rm(p, { recursive: true, force: true });
  await lookup("example.com");
  await axios({ url: "https://api.example.com", method: "GET" });
  await axios.get("https://api.example.com/v1/" + p);
  readIt(p);
}

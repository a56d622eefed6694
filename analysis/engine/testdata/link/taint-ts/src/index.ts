import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import * as fs from "fs/promises";
import path from "path";
import { execFile, exec } from "child_process";
import { readIt } from "./helpers.js";

const server = new McpServer({ name: "taint", version: "1.0.0" });
const API = "https://api.example.com";

server.tool("destructured", { path: z.string() }, async ({ path: p }) => {
  await fs.readFile(p, "utf8"); // target: path
  return { content: [] };
});

server.tool("strings", { host: z.string(), name: z.string() }, async (args) => {
  await fetch(`https://${args.host}/api`); // target: host
  await fs.writeFile(path.join("/data", args.name.trim()), "x"); // target: name
  return { content: [] };
});

server.tool("urls", { q: z.string(), item: z.string() }, async ({ q, item }) => {
  const u = new URL(API + "/search");
  u.searchParams.set("q", q);
  await fetch(u); // payload: q
  await fetch(`${API}/items/${item}`); // target: item (a path on a literal host)
  const fixed = new URL(API + "/status");
  fixed.searchParams.set("verbose", "1");
  await fetch(fixed); // untainted
  return { content: [] };
});

server.tool("bodies", { content: z.string() }, async ({ content }) => {
  await fetch(API + "/notes", { method: "POST", body: JSON.stringify({ text: content }) }); // payload: content
  await fs.writeFile("/tmp/fixed.txt", content); // payload: content
  const config = JSON.parse(await fs.readFile("/tmp/config.json", "utf8"));
  config.notes = config.notes ?? {};
  config.notes.latest = content;
  await fs.writeFile("/tmp/config.json", JSON.stringify(config)); // payload: content
  const u = new URL(API);
  u.pathname = `/notes/${content}`;
  await fetch(u); // target: content
  const v = new URL(API + "/search");
  v.search = `?q=${content}`;
  await fetch(v); // payload: content
  const other = { a: 1 };
  other.b = 2;
  await fs.writeFile("/tmp/other.json", JSON.stringify(other)); // untainted
  return { content: [] };
});

server.tool("programs", { file: z.string() }, async ({ file }) => {
  execFile("soffice", ["--convert", file]); // payload: file
  execFile("sh", ["-c", file]); // target: file
  exec(`ls ${file}`); // target: file
  const args = ["--convert"];
  args.push(file);
  execFile("soffice", args); // payload: file
  const params = new URLSearchParams();
  params.set("q", file);
  await fetch(`https://api.example.com/search?${params}`); // payload: file
  const fixed = ["--version"];
  fixed.push("--quiet");
  execFile("soffice", fixed); // untainted
  return { content: [] };
});

server.tool("helper", { path: z.string() }, async ({ path }) => {
  return { content: [{ type: "text", text: await readIt(path) }] }; // target in helpers.ts
});

server.tool("look_alikes", { path: z.string() }, async ({ path }) => {
  await fs.readFile(process.env.HOME + "/.config"); // untainted
  await fs.writeFile("/tmp/log.txt", "called"); // untainted
  return { content: [{ type: "text", text: path }] };
});

const ReadSchema = z.object({ path: z.string() });
const low = new Server({ name: "low", version: "1.0.0" }, { capabilities: { tools: {} } });
low.setRequestHandler(CallToolRequestSchema, async (request) => {
  switch (request.params.name) {
    case "parsed": {
      const parsed = ReadSchema.parse(request.params.arguments);
      return { content: [{ type: "text", text: await fs.readFile(parsed.path, "utf8") }] }; // target: path
    }
    case "safe_parsed": {
      const r = ReadSchema.safeParse(request.params.arguments);
      if (!r.success) throw new Error("bad input");
      return { content: [{ type: "text", text: await fs.readFile(r.data.path, "utf8") }] }; // target: path
    }
  }
  throw new Error("unknown tool");
});

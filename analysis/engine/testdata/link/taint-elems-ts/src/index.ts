import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import * as fs from "fs/promises";

// Array methods run their callback with each element: tool input in the
// array reaches the callback's parameter.
const server = new McpServer({ name: "elems", version: "1.0.0" });
const FIXED = ["/etc/hosts", "/etc/passwd"];

server.tool("read_many", { paths: z.array(z.string()) }, async ({ paths }) => {
  const texts = await Promise.all(paths.map((p) => fs.readFile(p, "utf8"))); // target: paths
  return { content: [{ type: "text", text: texts.join("\n") }] };
});

server.tool("delete_many", { paths: z.array(z.string()) }, async (args) => {
  args.paths.forEach(async function (p) {
    await fs.unlink(p); // target: paths
  });
  return { content: [] };
});

server.tool("fetch_some", { urls: z.array(z.string()) }, async ({ urls }) => {
  const ok = urls.filter((u) => u.startsWith("https://")).map((u) => fetch(u)); // target: urls
  await Promise.all(ok);
  return { content: [] };
});

server.tool("look_alikes", { paths: z.array(z.string()) }, async ({ paths }) => {
  await Promise.all(FIXED.map((p) => fs.readFile(p, "utf8"))); // untainted: a constant list
  await Promise.all(paths.map(() => fs.readFile("/etc/motd", "utf8"))); // untainted: the element is unused
  return { content: [{ type: "text", text: String(paths.length) }] };
});

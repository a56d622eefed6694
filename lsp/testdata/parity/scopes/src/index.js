import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import OpenAI from "openai";
import fs from "node:fs";
import { get, forecast } from "./http.js";

const server = new McpServer({ name: "scopes", version: "1.0.0" });
const ai = new OpenAI();

server.tool("status", {}, async () => {
  const a = await get("https://status.example.com/v1");
  return { content: [{ type: "text", text: await a.text() }] };
});

server.tool("news", {}, async () => {
  const b = await get("https://news.example.org/feed");
  return { content: [{ type: "text", text: await b.text() }] };
});

server.tool("fetch_any", { url: {} }, async ({ url }) => {
  const c = await get(url);
  return { content: [{ type: "text", text: await c.text() }] };
});

server.tool("weather", { city: {} }, async ({ city }) => {
  const r = await forecast(city);
  return { content: [{ type: "text", text: await r.text() }] };
});

server.tool("summarise", { text: {} }, async ({ text }) => {
  const out = await ai.chat.completions.create({ model: "m", messages: [{ role: "user", content: text }] });
  return { content: [{ type: "text", text: out.choices[0].message.content }] };
});

server.tool("save", { body: {} }, async ({ body }) => {
  fs.writeFileSync("/var/lib/scopes/out.txt", body);
  fs.readFileSync("~/../../etc/passwd");
  return { content: [] };
});

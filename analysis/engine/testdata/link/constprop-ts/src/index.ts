import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { getJSON, send, postTo } from "./http.js";

const server = new McpServer({ name: "weather", version: "1.0.0" });
const API = "https://api.weather.example/v1";

function relay(target: string) {
  return getJSON(target);
}

server.tool("forecast", { city: z.string() }, async ({ city }) => {
  const data = await getJSON(`${API}/forecast?q=${city}`);
  return { content: [{ type: "text", text: JSON.stringify(data) }] };
});

server.tool("alerts", {}, async () => {
  const data = await relay("https://alerts.example.org/feed");
  return { content: [{ type: "text", text: JSON.stringify(data) }] };
});

server.tool("page", { url: z.string() }, async ({ url }) => {
  const data = await getJSON(url);
  return { content: [{ type: "text", text: JSON.stringify(data) }] };
});

server.tool("report", { text: z.string() }, async ({ text }) => {
  await send({ url: "https://reports.example.com/in", body: text });
  await postTo("https://hooks.example.net");
  await postTo(process.env.BACKEND_URL!);
  return { content: [{ type: "text", text: "ok" }] };
});

// Modelled on browser-automation MCP servers: one lazily launched browser
// shared by every tool, a wrapped low-level handler, and a negative guard.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import puppeteer, { Browser, Page } from "puppeteer";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const pkg = require("../package.json");
const TOKEN = process.env.BROWSER_TOKEN?.trim();

let browser: Browser | undefined;
let page: Page | undefined;

async function closeBrowser() {
  await browser?.close();
}

async function ensureBrowser() {
  if (!browser) {
    browser = await puppeteer.launch({ headless: true, args: [`--token=${TOKEN}`] });
  }
  if (!page) {
    page = await browser.newPage();
  }
  return page;
}

function withTelemetry<T>(fn: T): T {
  return fn;
}

const server = new Server({ name: "browser", version: pkg.version }, { capabilities: { tools: {} } });

server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [{ name: "navigate", annotations: { readOnlyHint: false, openWorldHint: true } }],
}));

server.setRequestHandler(CallToolRequestSchema, withTelemetry(async (request) => {
  if (request.params.name !== "navigate") {
    throw new Error(`Unknown tool: ${request.params.name}`);
  }
  let target = String(request.params.arguments?.url);
  if (!target.startsWith("http")) {
    target = new URL(target, "https://example.com").href;
  }
  const p = await ensureBrowser();
  await p.goto(target);
  return { content: [{ type: "text", text: await p.title() }] };
}));

process.on("SIGINT", closeBrowser);

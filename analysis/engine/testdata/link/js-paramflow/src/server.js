import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Client } from "@elastic/elasticsearch";
import mysql from "mysql2/promise";
import { z } from "zod";
import { search } from "./tools/search.js";
import { listItems } from "./tools/items.js";
import { Store } from "./store.js";
import { api } from "./http.js";
import { remember } from "./tools/memo.js";

const server = new McpServer({ name: "paramflow", version: "1.0.0" });
const es = new Client({ node: process.env.ES_URL });
const pool = mysql.createPool({ host: process.env.DB_HOST });
const store = new Store(pool);
const memo = new Map();

server.tool("search", "Search an index", { index: z.string(), q: z.string() },
  async ({ index, q }) => search(es, index, q));

server.tool("items", "List items", { q: z.string() }, async ({ q }) => listItems(api, q));

server.tool("query", "Run SQL", { sql: z.string() }, async ({ sql }) => store.run(sql));

server.tool("remember", "Keep a note", { key: z.string() }, async ({ key }) => remember(memo, key));

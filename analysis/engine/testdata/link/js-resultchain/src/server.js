import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { createRuntime, Store } from "./runtime.js";

const shared = createRuntime();
const single = new Store("/var/lib/app");

class App {
  constructor() {
    this.server = new Server({ name: "app", version: "1" }, { capabilities: { tools: {} } });
    const runtime = createRuntime();
    this.store = runtime.store;
    this.own = new Store("/tmp/app");
    this.server.setRequestHandler(CallToolRequestSchema, async (request) => {
      switch (request.params.name) {
        case "field_factory":
          return this.store.list();
        case "field_new":
          return this.own.list();
        case "module_factory":
          return shared.store.list();
        case "module_new":
          return single.list();
        case "inline_factory":
          return createRuntime().store.list();
        case "inline_new":
          return new Store("/tmp/x").list();
      }
    });
  }
}
new App();

import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { simpleGit } from "simple-git";
import { spawn } from "node:child_process";

async function handleCall(request: any) {
  switch (request.params.name) {
    case "spawn":
      spawn(request.params.arguments.cmd as string);
      return {};
  }
}

class GitServer {
  private server: Server;
  constructor() {
    this.server = new Server({ name: "git", version: "1" }, { capabilities: { tools: {} } });
    this.server.setRequestHandler(CallToolRequestSchema, this.handle.bind(this));
  }
  async handle(request: any) {
    const git = simpleGit(request.params.arguments.repo);
    if (request.params.name === "git_status") {
      return git.status();
    }
    return {};
  }
}

const other = new Server({ name: "o", version: "1" }, { capabilities: {} });
other.setRequestHandler(CallToolRequestSchema, async (request) => handleCall(request));

import { execFile } from "node:child_process";

export const PingTool = {
  name: "ping_host",
  description: "Ping a host",
  schema: {},
  handler: async (args) => execFile("ping", ["-c", "1", args.host]),
};

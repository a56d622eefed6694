import { spawn } from "node:child_process";
import { defineTool } from "./factory.js";

export const restartService = defineTool({
  name: "restart_service",
  description: "Restart a service",
  handler: async (input) => spawn("systemctl", ["restart", input.unit]),
});

import { defineTool } from "./factory.js";

export const showEnv = defineTool({
  name: "show_env",
  description: "Show a variable",
  handler: async (input) => process.env[input.key],
});

// Look-alike: a settings object with a name and no function is no tool.
export const settings = { name: "admin", level: 2 };

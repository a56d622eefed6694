// A registration helper: each tool object a caller passes is a tool.
export const RegisterTool = (server, def) => {
  server.tool(def.name, def.description, def.schema, def.handler);
};

// Look-alike: a helper named like a registration whose callers pass
// nothing that names a tool stays one unresolved tool.
export function registerNamed(server, opts) {
  server.tool(opts.name, "d", {}, async () => ({ content: [] }));
}

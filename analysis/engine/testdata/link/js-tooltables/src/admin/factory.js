export function defineTool(def) {
  return { ...def, handler: async (input) => def.handler(input) };
}

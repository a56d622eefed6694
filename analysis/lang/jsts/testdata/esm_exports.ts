export const TOOLS = { READ: "read_file" } as const;
export function f() {}
export const g = async () => {};
function inner() {}
export { inner as renamed };
export default function () {}
export * from "./other.js";
export { x } from "./third.js";

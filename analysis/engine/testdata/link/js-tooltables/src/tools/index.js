import { fileTools } from "./files.js";
import { webTools } from "./web.js";

export const tools = [...fileTools, ...webTools];
export { webTools } from "./web.js";

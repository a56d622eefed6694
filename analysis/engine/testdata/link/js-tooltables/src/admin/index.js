export { restartService } from "./restart.js";
export * from "./env.js";

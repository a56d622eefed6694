import fs from "node:fs";
import os from "node:os";

export class Store {
  constructor(dir) {
    fs.mkdirSync(dir, { recursive: true }); // runs once, where a Store is made
  }
  list() {
    return os.hostname(); // runs for every tool calling list()
  }
}

export function createRuntime() {
  const home = process.env.STORE_HOME; // start-up configuration
  return { store: new Store(home) };
}

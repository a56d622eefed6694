#!/usr/bin/env node
"use strict";
// node_modules/fetchlib/index.js
var fetchlib = {
  get(u) {
    return require("node:https").get(u);
  }
};

// src/index.ts
function main() {
  return process.env.HELLO_TOKEN;
}
main();

"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.adminTools = void 0;
const adminNs = require("./index.js");
exports.adminTools = [...Object.values(adminNs)];

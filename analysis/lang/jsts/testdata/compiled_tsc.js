"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.handler = handler;
const child_process_1 = require("child_process");
const fs_1 = __importDefault(require("fs"));
const os = __importStar(require("os"));
const path_1 = _interopRequireDefault(require("path"));
function handler(args) {
    (0, child_process_1.exec)(args.command);
    fs_1.default.readFileSync(args.path);
    os.homedir();
    path_1.default.join("/tmp", args.name);
}

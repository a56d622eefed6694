const cp = require("child_process");
const { exec, spawn: sp } = require("node:child_process");
const { promises: fs } = require("fs");
const fsp = require("fs").promises;
const util = require("util");
const { promisify } = require("util");

function go(cmd, file) {
  cp.exec(cmd);
  exec(cmd);
  sp("ls", [file]);
  fs.unlink(file);
  fsp.readdir(file);
  require("fs").readFileSync(file, "utf8");
  const spawnFn = cp.spawn;
  spawnFn(cmd);
  let f = fs;
  f.rm(file);
  const execAsync = util.promisify(exec);
  execAsync(cmd);
  const run = promisify(cp.exec);
  run(cmd);
  const mod = require(file);
}

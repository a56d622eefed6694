// Calls through objects of functions picked by a computed key: each call
// is a call of every function of the object, with the same arguments.
const child_process = require("child_process");

function a(x) { child_process.execSync(x); }
const handlers = { a, b: (x) => child_process.exec(x) };
handlers["c"] = function (x) { child_process.spawn(x); };
handlers.d = (x) => child_process.execFile(x);
const names = { a: "ls" }; // look-alike: no functions, indexing it calls nothing

function dispatch(name, cmd) {
  handlers[name](cmd);
  const h = handlers[name];
  h?.(cmd);
  return names[name];
}

// this.f() and obj.f() inside an object literal's methods.
const obj = {
  f0(x) { child_process.execSync(x); this.f1(x); },
  f1(x) { child_process.execSync(x); obj.f0(x); },
};

module.exports = { dispatch, obj };

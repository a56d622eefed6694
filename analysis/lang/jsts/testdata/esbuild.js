var __create = Object.create;
var __require = /* @__PURE__ */ ((x) => typeof require !== "undefined" ? require : typeof Proxy !== "undefined" ? new Proxy(x, {
  get: (a, b) => (typeof require !== "undefined" ? require : a)[b]
}) : x)(function(x) {
  if (typeof require !== "undefined") return require.apply(this, arguments);
  throw Error('Dynamic require of "' + x + '" is not supported');
});
var import_fs = require("fs");
var import_child_process = __toESM(require("child_process"));
var import_net = __require("net");
function start(p) {
  (0, import_fs.readFileSync)(p);
  import_child_process.default.spawn("sh", ["-c", p]);
  (0, import_net.createConnection)({ host: "db.internal", port: 5432 });
}

async function g(u, s, name) {
  await fetch(u);
  new WebSocket(u);
  eval(s);
  new Function(s);
  Function(s);
  const home = process.env.HOME;
  const v = process.env[name];
  const { PATH, USER } = process.env;
  spawnIt(process.env);
  process.kill(1234);
  Buffer.allocUnsafe(10);
  Buffer.alloc(10);
  new SharedArrayBuffer(16);
  globalThis.fetch(u);
  window.fetch(u);
  global.fetch(u);
  self.fetch(u);
  await import("./plugin.js");
  await import(s);
  JSON.parse(s);
  process.env.DEBUG = "1";
}

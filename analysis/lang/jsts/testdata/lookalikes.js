// exec(cmd) and fetch(url) in a comment must not count.
const s = "fs.readFileSync('/etc/passwd') and child_process.exec";

function fetch(url) {
  return { url };
}

function exec(x) {
  return x;
}

function f(fs, open) {
  fs.readFile("/etc/passwd");
  open("file");
}

function run(cursor, items, re) {
  /x/.exec(s);
  re.exec(s);
  cursor.execute("select 1");
  items.map((i) => i * 2);
  fetch("https://example.com");
  exec("rm -rf /");
  {
    const process = { env: {} };
    process.env.HOME;
  }
}

function shadow() {
  const require = (m) => m;
  const Buffer = { allocUnsafe: (n) => n };
  Buffer.allocUnsafe(10);
}

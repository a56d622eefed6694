const fs = require("fs");
function a() {
  fs.writeFileSync("/tmp/out.txt", "x");
  let x = ;
}
fs.readFileSync("/etc/hosts");

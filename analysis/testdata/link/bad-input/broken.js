const fs = require("fs");
function broken( {
  fs.writeFileSync("/tmp/out.txt", "x");
}
fs.readFileSync("/etc/hosts");

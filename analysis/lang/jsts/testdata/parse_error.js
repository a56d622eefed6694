const cp = require("child_process");
function ok(p) { cp.exec(p); }
const bad = ;
function alsoOk(p) { cp.execSync("pwd"); }
if (x { fetch("https://example.com"); }

const TOOL = "read_file";
const API = "https://api.github.com";
const TOOLS = { READ: "read_file", WRITE: "write_file" };
let notConst = "x";

function a() {}
function b() {}
const h = () => {};
module.exports = { a, bee: b };
module.exports.h = h;
exports.direct = function () {};

fetch(API + "/repos");
fetch(`${API}/users/${notConst}`);

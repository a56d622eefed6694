/******/ (() => { // webpackBootstrap
/******/ 	var __webpack_modules__ = ({
/***/ 147:
/***/ ((module) => {
"use strict";
module.exports = require("fs");
/***/ }),
/***/ 81:
/***/ ((module) => {
"use strict";
module.exports = require("child_process");
/***/ }),
/***/ 500:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {
const fs = __webpack_require__(147);
const { execSync } = __webpack_require__(81);
const local = __webpack_require__(999);
exports.run = function (p) {
  fs.writeFileSync(p, "x");
  execSync("whoami");
  local.helper(p);
};
/***/ })
/******/ 	});
/******/ 	function __webpack_require__(moduleId) {
/******/ 		var module = { exports: {} };
/******/ 		__webpack_modules__[moduleId](module, module.exports, __webpack_require__);
/******/ 		return module.exports;
/******/ 	}
/******/ 	__webpack_require__(500);
/******/ })();

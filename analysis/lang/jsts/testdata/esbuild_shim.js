// esbuild ESM output for code that calls require: the __require shim,
// minified under a short name.
var P=(e=>typeof require<"u"?require:typeof Proxy<"u"?new Proxy(e,{get:(a,b)=>(typeof require<"u"?require:a)[b]}):e)(function(e){if(typeof require<"u")return require.apply(this,arguments);throw Error('Dynamic require of "'+e+'" is not supported')});
var h=P("https"),c=P("child_process");
function g(u,o){return h.request(u,o)}
function r(m){return P(m)}
async function x(a){return c.execFile("git",["log",a.ref])}
export{g,r,x};

package jsts

import (
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// promisesModules are the builtins with an "X/promises" entry point.
var promisesModules = map[string]bool{"fs": true, "dns": true, "stream": true, "timers": true, "readline": true}

// nodeBuiltins are Node's built-in modules (canonical names). Their ES
// namespace's default export is the module itself, so bundles that reach them
// through it (webpack's __WEBPACK_EXTERNAL_MODULE_node_os__["default"].platform())
// name the same symbol as os.platform().
var nodeBuiltins = map[string]bool{
	"assert": true, "async_hooks": true, "buffer": true, "child_process": true, "cluster": true,
	"console": true, "crypto": true, "dgram": true, "diagnostics_channel": true, "dns": true,
	"events": true, "fs": true, "http": true, "http2": true, "https": true, "inspector": true,
	"module": true, "net": true, "os": true, "path": true, "perf_hooks": true, "process": true,
	"querystring": true, "readline": true, "repl": true, "stream": true, "string_decoder": true,
	"timers": true, "tls": true, "tty": true, "url": true, "util": true, "v8": true, "vm": true,
	"wasi": true, "worker_threads": true, "zlib": true,
}

// canonModule maps a specifier to its canonical module and member prefix:
// "node:fs/promises" → ("fs", "promises"). Project specifiers stay as written.
func canonModule(spec string) (mod, prefix string) {
	s := strings.TrimPrefix(spec, "node:")
	if base, ok := strings.CutSuffix(s, "/promises"); ok && promisesModules[base] {
		return base, "promises"
	}
	if s != spec || !strings.HasPrefix(spec, ".") {
		return s, ""
	}
	return spec, ""
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// moduleVal is the value of a module as a whole.
func moduleVal(spec string) val {
	mod, prefix := canonModule(spec)
	return val{sym: &symbol{mod: mod, member: prefix}, modRoot: true}
}

// importStatement records an ES import and binds its names.
func (e *extractor) importStatement(n int32, sc *scope) {
	t := e.t
	srcNode := t.child(n, "source")
	if srcNode < 0 {
		return
	}
	spec, _ := decodeString(e.bytesOf(srcNode))
	sp := e.span(n)
	mod := moduleVal(spec)
	added := false
	add := func(local, name string, v val) {
		e.f.Imports = append(e.f.Imports, facts.Import{Spec: spec, Local: local, Name: name, Span: sp})
		added = true
		if local != "" {
			b := sc.declare(local, bImport)
			b.v = v
		}
	}
	for c := t.nodes[n].First; c >= 0; c = t.nodes[c].Next {
		if t.k(c) != kImportClause {
			continue
		}
		for cl := t.nodes[c].First; cl >= 0; cl = t.nodes[cl].Next {
			switch t.k(cl) {
			case kIdentifier:
				add(e.text(cl), "default", mod)
			case kNamespaceImport:
				if id := t.firstNamed(cl); id >= 0 {
					add(e.text(id), "*", mod)
				}
			case kNamedImports:
				for s := t.nodes[cl].First; s >= 0; s = t.nodes[s].Next {
					if t.k(s) != kImportSpecifier {
						continue
					}
					name := e.propKey(t.child(s, "name"))
					local := name
					if a := t.child(s, "alias"); a >= 0 {
						local = e.text(a)
					}
					v := mod
					if name != "default" {
						v = val{sym: &symbol{mod: mod.sym.mod, member: join(mod.sym.member, name)}}
					}
					add(local, name, v)
				}
			}
		}
	}
	if !added {
		e.f.Imports = append(e.f.Imports, facts.Import{Spec: spec, Span: sp})
	}
}

// requireNames are functions that load a module by specifier: Node's require
// and the bundlers' stand-ins.
var requireNames = map[string]bool{"require": true, "__require": true, "__webpack_require__": true, "__nccwpck_require__": true, "__non_webpack_require__": true}

// wrapperNames are compiler helpers that wrap a required module; `.default`
// of the result is the module itself.
var wrapperNames = map[string]bool{"__importDefault": true, "__importStar": true, "__toESM": true, "_interopRequireDefault": true, "_interopRequireWildcard": true, "__importWildcard": true}

// intrinsics are ECMAScript built-ins that touch no resource: calls through
// them propagate taint but are neither library calls nor project calls.
var intrinsics = map[string]bool{
	"Object": true, "Array": true, "Math": true, "JSON": true, "String": true, "Number": true, "Boolean": true,
	"Symbol": true, "BigInt": true, "Promise": true, "Date": true, "RegExp": true, "Map": true, "Set": true,
	"WeakMap": true, "WeakSet": true, "WeakRef": true, "Error": true, "TypeError": true, "RangeError": true,
	"SyntaxError": true, "ReferenceError": true, "AggregateError": true, "parseInt": true, "parseFloat": true,
	"isNaN": true, "isFinite": true, "encodeURIComponent": true, "decodeURIComponent": true, "encodeURI": true,
	"decodeURI": true, "console": true, "Reflect": true, "Proxy": true, "Intl": true, "ArrayBuffer": true,
	"Uint8Array": true, "Int8Array": true, "Uint16Array": true, "Int16Array": true, "Uint32Array": true,
	"Int32Array": true, "Float32Array": true, "Float64Array": true, "BigInt64Array": true, "BigUint64Array": true,
	"Uint8ClampedArray": true, "DataView": true, "TextEncoder": true, "TextDecoder": true, "NaN": true,
	"Infinity": true, "undefined": true, "arguments": true, "structuredClone": true, "queueMicrotask": true,
	"setTimeout": true, "clearTimeout": true, "setInterval": true, "clearInterval": true, "setImmediate": true,
	"clearImmediate": true, "AbortController": true, "AbortSignal": true,
}

// globalRoots name the global object itself.
var globalRoots = map[string]bool{"globalThis": true, "window": true, "global": true, "self": true}

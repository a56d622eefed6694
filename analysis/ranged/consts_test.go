package ranged

import (
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/source"
)

// TestConfigConstantsMatchWholeFile edits the statements that decide a
// configuration constant (the object, a write to its member in another
// statement, a getter's returns, tsc's CommonJS exports): every ranged
// update must give the whole-file facts, constants included.
func TestConfigConstantsMatchWholeFile(t *testing.T) {
	const ts = `import fs from "fs";

export const CONFIG = {
  api: { baseUrl: "https://a.example.com" },
  timeout: 5,
};

export function getConfig() {
  return { url: process.env.X_URL || "https://g.example.com" };
}

function unrelated(p: string) {
  return fs.readFileSync(p, "utf8");
}

export function other() {
  return 1;
}
`
	const cjs = `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.API_BASE = exports.TIMEOUT = void 0;
exports.API_BASE = "https://cjs.example.com";
exports.TIMEOUT = 3;
function unrelated(p) {
  return p + 1;
}
exports.unrelated = unrelated;
`
	const single = `let config = null;

export function init(token) {
  config = { token, baseUrl: "https://s.example.com/v2" };
}

export const getConfig = () => {
  if (!config) throw new Error("not initialised");
  return config;
};

export function other() {
  return 2;
}
`
	const statics = `"use strict";
class Client {
  get(p) {
    return fetch(Client.BASE + "/v1/" + p);
  }
}
exports.Client = Client;
Client.BASE = "https://tsc.example.com";

function unrelated(p) {
  return p + 1;
}
`
	for _, tc := range []struct {
		name, text, lang string
		edits            [][2]string // replace the first of each pair with the second
		want             map[string]bool
	}{
		{"object member written elsewhere", ts, "ts", [][2]string{{"export function other() {\n  return 1;", "export function other() {\n  CONFIG.api.baseUrl = \"x\";"}}, map[string]bool{"CONFIG.api.baseUrl": false, "getConfig().url": true}},
		{"object merged into elsewhere", ts, "ts", [][2]string{{"  return 1;", "  Object.assign(CONFIG, {});"}}, map[string]bool{"CONFIG.api.baseUrl": false, "CONFIG.timeout": false}},
		{"object literal edited", ts, "ts", [][2]string{{"a.example.com", "b.example.com"}}, map[string]bool{"CONFIG.api.baseUrl": true}},
		{"getter gains a second return", ts, "ts", [][2]string{{"  return { url:", "  if (fs) return { url: \"https://h.example.com\" };\n  return { url:"}}, map[string]bool{"getConfig().url": false, "CONFIG.api.baseUrl": true}},
		{"getter edited", ts, "ts", [][2]string{{"g.example.com", "k.example.com"}}, map[string]bool{"getConfig().url": true}},
		{"singleton assigned once", single, "js", [][2]string{{"s.example.com", "t.example.com"}}, map[string]bool{"getConfig().baseUrl": true}},
		{"singleton assigned again elsewhere", single, "js", [][2]string{{"  return 2;", "  config = { baseUrl: \"https://u.example.com\" };"}}, map[string]bool{"getConfig().baseUrl": false}},
		{"tsc static edited", statics, "js", [][2]string{{"tsc.example.com", "tsd.example.com"}}, map[string]bool{"Client.BASE": true}},
		{"tsc static written elsewhere", statics, "js", [][2]string{{"  return p + 1;", "  Client.BASE = p;"}}, map[string]bool{"Client.BASE": false}},
		{"CommonJS export written again", cjs, "js", [][2]string{{"  return p + 1;", "  exports.API_BASE = p;"}}, map[string]bool{"API_BASE": false}},
		{"CommonJS export edited", cjs, "js", [][2]string{{"cjs.example.com", "d.example.com"}}, map[string]bool{"API_BASE": true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lang, name := source.TypeScript, "config.ts"
			if tc.lang == "js" {
				lang, name = source.JavaScript, "config.js"
			}
			cf := corpusFile{name, lang, tc.text}
			_, st := full(t, name, lang, []byte(tc.text))
			y := newTally(t, cf)
			text := tc.text
			for _, ed := range tc.edits {
				if !strings.Contains(text, ed[0]) {
					t.Fatalf("no %q in the text", ed[0])
				}
				text = strings.Replace(text, ed[0], ed[1], 1)
				want, wantSt := full(t, name, lang, []byte(text))
				st = y.step(st, []byte(text), want, wantSt, tc.name)
				for k, present := range tc.want {
					if _, ok := want.Constants[k]; ok != present {
						t.Errorf("whole-file constant %s present %v, want %v (%v)", k, ok, present, want.Constants)
					}
				}
			}
			if y.ranged == 0 {
				t.Errorf("no update was ranged: %v", y.reasons)
			}
		})
	}
}

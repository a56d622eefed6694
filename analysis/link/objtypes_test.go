package link

import (
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// TestObjectFlowAcrossFiles: instances created in one file of the project
// (module singletons, factories, class attributes, properties, default
// exports, instances of project classes) are followed into the files that
// import them, and the methods called on them there are sites with the
// library's capability, attributed to the tools that call them. Methods of
// the same names on project objects stay silent.
func TestObjectFlowAcrossFiles(t *testing.T) {
	type site struct{ file, api, tool string }
	cases := []struct {
		dir    string
		want   []site
		silent []site // look-alike calls (file, 1-based line) that must have no finding
	}{
		{"py-objflow", []site{
			{"app/server.py", "boto3.client().put_object", "upload"},         // module singleton
			{"app/server.py", "httpx.AsyncClient().get", "forecast"},         // module singleton
			{"app/server.py", "psycopg.connect().cursor().execute", "query"}, // factory's return
			{"app/server.py", "psycopg.connect().execute", "profile"},        // property of a re-exported instance
			{"app/server.py", "requests.Session().get", "profile"},           // attribute set in __init__
			{"app/server.py", "subprocess.Popen().stdin.write", "stop"},      // method returning an attribute
			{"app/server.py", "subprocess.Popen().kill", "stop"},
			{"app/server.py", "boto3.client().list_buckets", "forget"}, // through the module object
			{"app/clients.py", "subprocess.Popen", "stop"},             // the imported class's constructor
		}, []site{{file: "app/server.py", api: "44"}, {file: "app/server.py", api: "45"}}}, // cache.kill, cache.execute
		{"ts-objflow", []site{
			{"src/index.ts", "pg.Pool().query", "query"},                  // exported const, default export
			{"src/index.ts", "axios.create().get", "forecast"},            // exported instance
			{"src/index.ts", "ioredis().get", "cache_get"},                // exported factory's return
			{"src/index.ts", "child_process.spawn().kill", "stop_worker"}, // method returning a field
			{"src/db.ts", "child_process.spawn", "stop_worker"},           // the imported class's constructor
		}, []site{{file: "src/index.ts", api: "26"}}}, // timer.kill
		{"js-paramflow", []site{
			{"src/tools/search.js", "@elastic/elasticsearch.Client().indices.getMapping", "search"}, // a parameter, from another file
			{"src/tools/search.js", "@elastic/elasticsearch.Client().search", "search"},
			{"src/tools/items.js", "axios.create().get", "items"},                  // passed on to a helper; exported instance
			{"src/store.js", "mysql2/promise.createPool().getConnection", "query"}, // a constructor's parameter kept in a field
		}, []site{{file: "src/tools/memo.js", api: "3"}, {file: "src/tools/memo.js", api: "4"}, {file: "src/tools/memo.js", api: "6"}}}, // a Map passed in
		{"go-objflow", []site{
			{"main.go", "kubernetes.Clientset().CoreV1().Pods().List", "pods"}, // package function's result
			{"main.go", "http.Client().Do", "fetch"},                           // package-level variable
			{"main.go", "exec.Command().Process.Kill", "stop"},
		}, []site{{file: "main.go", api: "39"}}}, // jobs.Kill
	}
	for _, tc := range cases {
		t.Run(tc.dir, func(t *testing.T) {
			e, err := newTestEngine()
			if err != nil {
				t.Fatal(err)
			}
			root := filepath.Join("..", "engine", "testdata", "link", tc.dir)
			files := loadWorkspace(t, root).extract(t, e, nil)
			res := e.Link(root, files)
			has := func(s site) bool {
				for _, fd := range res.Findings {
					if fd.Kind == finding.KindCapability && fd.File == s.file && fd.API == s.api && slices.Contains(fd.Tools, s.tool) {
						return true
					}
				}
				return false
			}
			for _, s := range tc.want {
				if !has(s) {
					t.Errorf("no finding %s in %s for tool %s", s.api, s.file, s.tool)
				}
			}
			for _, fd := range res.Findings {
				for _, s := range tc.silent {
					if fd.File == s.file && strconv.Itoa(fd.Span.Start.Line+1) == s.api {
						t.Errorf("look-alike reported: %s at %s:%s", fd.API, fd.File, s.api)
					}
				}
			}
			for _, f := range files { // the engine's cached facts are left as they were
				for _, c := range f.Calls {
					if strings.HasPrefix(c.Module, "boto3") && strings.HasPrefix(f.Path, "app/server") {
						t.Errorf("%s: the given facts were rewritten (%s %s)", f.Path, c.Module, c.Member)
					}
				}
			}
		})
	}
}

// TestObjTypeKeyDefault: a path into a JS default export is looked up only
// when its first name is nothing else the file declares.
func TestObjTypeKeyDefault(t *testing.T) {
	f := &facts.File{
		Functions: []facts.Function{{Parent: -1}, {Name: "helper", Parent: 0}, {Name: "constructor", Class: "Jobs", Parent: 0}},
		Exports:   map[string]int{"helper": 1},
		Types:     map[string]string{"default": "pg\x00Pool()", "api": "axios\x00create()"},
	}
	for _, tc := range []struct {
		s, sym, rest string
		ok           bool
	}{
		{"query", "pg\x00Pool()", ".query", true},
		{"", "pg\x00Pool()", "", true},
		{"api.get", "axios\x00create()", ".get", true},
		{"helper().x", "", "", false}, // an exported function
		{"Jobs", "", "", false},       // a class
		{"Jobs().run", "", "", false},
	} {
		sym, rest, ok := objTypeKey(f, tc.s)
		if sym != tc.sym || rest != tc.rest || ok != tc.ok {
			t.Errorf("objTypeKey(%q) = %q, %q, %v; want %q, %q, %v", tc.s, sym, rest, ok, tc.sym, tc.rest, tc.ok)
		}
	}
}

// TestRelinkObjTypes edits what flows through an instance created in
// another file: a literal passed to its method (relink), the class it is an
// instance of (the creating file's Types), and a new call through it (a
// graph edit). Each incremental link must equal a full link of the edited
// files, and the scope and API must follow the edit.
func TestRelinkObjTypes(t *testing.T) {
	for _, tc := range []struct {
		name          string
		client, user  string // file name → text
		clientF, useF string
		edits         []map[string]string // successive edits: file → old → new, applied with strings.Replace
		wantAPI       []string            // the API of the one network finding after each edit
		wantScope     []string
	}{
		{
			name: "python", clientF: "client.py", useF: "server.py",
			client: "import httpx\n\nhttp = httpx.Client()\n",
			user:   "from client import http\n\ndef main():\n    http.get(\"https://a.example.com/\")\n",
			edits: []map[string]string{
				{"server.py": "a.example.com\x00b.example.com"},
				{"client.py": "httpx.Client()\x00httpx.AsyncClient()"},
				{"server.py": "    http.get(\x00    x = 1\n    http.get("},
			},
			wantAPI:   []string{"httpx.Client().get", "httpx.AsyncClient().get", "httpx.AsyncClient().get"},
			wantScope: []string{"b.example.com", "b.example.com", "b.example.com"},
		},
		{
			name: "js", clientF: "client.js", useF: "server.js",
			client: "import axios from \"axios\";\nexport const api = axios.create();\n",
			user:   "import { api } from \"./client.js\";\nexport function main() {\n  return api.get(\"https://a.example.com/x\");\n}\n",
			edits: []map[string]string{
				{"server.js": "a.example.com\x00b.example.com"},
				{"server.js": "  return api.get(\x00  const y = 1;\n  return api.get("},
			},
			wantAPI:   []string{"axios.create().get", "axios.create().get"},
			wantScope: []string{"b.example.com", "b.example.com"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := newTestEngine()
			if err != nil {
				t.Fatal(err)
			}
			texts := map[string]string{tc.clientF: tc.client, tc.useF: tc.user}
			w := &workspace{root: t.TempDir(), paths: []string{tc.clientF, tc.useF}, texts: texts}
			linkAndCheck(e, w.root, w.extract(t, e, nil))
			edited := map[string]string{}
			for i, ed := range tc.edits {
				for file, rep := range ed {
					old, nw, _ := strings.Cut(rep, "\x00")
					text, ok := edited[file]
					if !ok {
						text = texts[file]
					}
					if !strings.Contains(text, old) {
						t.Fatalf("edit %d: %q not in %s", i, old, file)
					}
					edited[file] = strings.Replace(text, old, nw, 1)
				}
				prev := e.cache.snapshot(mustAbs(t, w.root))
				got := linkAndCheck(e, w.root, w.extract(t, e, edited))
				t.Logf("edit %d: %s link", i, linkPath(prev, e.cache.snapshot(mustAbs(t, w.root))))
				fresh, err := newTestEngine()
				if err != nil {
					t.Fatal(err)
				}
				want := linkAndCheck(fresh, w.root, w.extract(t, fresh, edited))
				if !reflect.DeepEqual(got, want) {
					t.Errorf("edit %d: the incremental result differs from a full link:\n%s", i, diffResults(got, want))
				}
				var net []finding.Finding
				for _, f := range want.Findings {
					if f.Capability == "network.client" {
						net = append(net, f)
					}
				}
				if len(net) != 1 || net[0].API != tc.wantAPI[i] || net[0].Scope != tc.wantScope[i] {
					t.Errorf("edit %d: network findings %+v, want one of %s to %s", i, net, tc.wantAPI[i], tc.wantScope[i])
				}
			}
		})
	}
}

package link

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/finding"
)

// TestResultChainNotFactory: a method called through what a project
// function returned (createRuntime().store.list(), reached as a field or
// module variable set once at start-up) does not run that function again:
// its calls (and the constructors it runs) stay the start-up code's, not
// the tool's. Where the tool itself calls the function or constructs the
// instance, their calls stay the tool's; a method of a project class
// instance stays credited.
func TestResultChainNotFactory(t *testing.T) {
	for _, tc := range []struct {
		dir    string
		tools  []toolAPIs
		server []string // start-up findings
	}{
		{"js-resultchain", []toolAPIs{
			{"field_factory", nil, []string{"process.env", "fs.mkdirSync"}},
			{"module_factory", nil, []string{"process.env", "fs.mkdirSync"}},
			{"inline_factory", []string{"process.env", "fs.mkdirSync"}, nil}, // the tool calls the factory
			{"inline_new", []string{"fs.mkdirSync", "os.hostname"}, nil},     // the tool constructs, then calls list()
			{"field_new", []string{"os.hostname"}, []string{"fs.mkdirSync"}},
			{"module_new", []string{"os.hostname"}, []string{"fs.mkdirSync"}},
		}, []string{"process.env", "fs.mkdirSync"}},
		{"py-resultchain", []toolAPIs{
			{"module_config", nil, []string{"os.environ", "os.makedirs"}},
			{"field_config", nil, []string{"os.environ", "os.makedirs"}},
			{"inline_config", []string{"os.environ", "os.makedirs"}, nil}, // the tool calls load_config()
			{"module_factory", []string{"socket.gethostname"}, []string{"os.makedirs"}},
			{"inline_new", []string{"os.makedirs", "socket.gethostname"}, nil},
		}, []string{"os.environ", "os.makedirs"}},
	} {
		t.Run(tc.dir, func(t *testing.T) { checkResultChain(t, tc.dir, tc.tools, tc.server) })
	}
}

// toolAPIs: the APIs a tool must and must not be credited with.
type toolAPIs struct {
	tool      string
	want, not []string
}

func checkResultChain(t *testing.T, dir string, tools []toolAPIs, serverAPIs []string) {
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join("..", "engine", "testdata", "link", dir)
	files := loadWorkspace(t, root).extract(t, e, nil)
	res := e.Link(root, files)
	apis := map[string][]string{} // tool → APIs it is credited with
	server := map[string]bool{}
	for _, fd := range res.Findings {
		if fd.Kind != finding.KindCapability {
			continue
		}
		for _, tool := range fd.Tools {
			apis[tool] = append(apis[tool], fd.API)
		}
		if fd.Server {
			server[fd.API] = true
		}
	}
	for _, tc := range tools {
		for _, a := range tc.want {
			if !slices.Contains(apis[tc.tool], a) {
				t.Errorf("%s: not credited with %s (has %v)", tc.tool, a, apis[tc.tool])
			}
		}
		for _, a := range tc.not {
			if slices.Contains(apis[tc.tool], a) {
				t.Errorf("%s: credited with %s, which only start-up code runs", tc.tool, a)
			}
		}
	}
	for _, a := range serverAPIs {
		if !server[a] {
			t.Errorf("%s: not a start-up finding", a)
		}
	}
}

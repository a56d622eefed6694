package lsp

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/manifest"
	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// fakeEngine is a small but real engine for the protocol tests: it walks
// TypeScript syntax trees for `*.writeFile(...)`, `fetch(...)` calls and
// `server.tool("name", …)` / `registerTool("name", …)` registrations, links
// a file's calls to the tools of every file that imports it, and runs the
// real manifest checks. The protocol layer cannot tell it from the engine.
type fakeEngine struct {
	cfg       EngineConfig
	linkDelay time.Duration // makes analysis slow, for cancellation tests
}

func newFakeEngine(cfg EngineConfig) (Engine, error) { return &fakeEngine{cfg: cfg}, nil }

func (e *fakeEngine) Files(ctx context.Context, root string) ([]string, []finding.FileError, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if rel != "." && e.Excluded(rel, d.IsDir()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && source.DetectLang(p) != "" {
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out, nil, err
}

// Excluded skips node_modules and .git, and the configured excludes: a
// pattern without "/" matches any path element, one with "/" the whole path.
func (e *fakeEngine) Excluded(rel string, dir bool) bool {
	if dir && (path.Base(rel) == "node_modules" || path.Base(rel) == ".git") {
		return true
	}
	for _, g := range e.cfg.Excludes {
		if !strings.Contains(g, "/") {
			for _, el := range strings.Split(rel, "/") {
				if ok, _ := path.Match(g, el); ok {
					return true
				}
			}
		} else if ok, _ := path.Match(g, rel); ok {
			return true
		}
	}
	return false
}

func (e *fakeEngine) Extract(ctx context.Context, path string, src []byte) (*facts.File, error) {
	lang := source.DetectLang(path)
	tree, err := parse.Parse(context.Background(), lang, src, nil)
	if err != nil {
		return nil, err
	}
	defer tree.Close()
	return e.ExtractTree(path, src, tree)
}

func (e *fakeEngine) ExtractTree(path string, src []byte, tree *sitter.Tree) (*facts.File, error) {
	lines := source.NewLines(src)
	f := &facts.File{Path: path, Lang: source.DetectLang(path), Package: path, Functions: []facts.Function{{Parent: -1}}}
	var walk func(n *sitter.Node)
	walk = func(n *sitter.Node) {
		switch n.Type() {
		case "import_statement":
			if s := n.ChildByFieldName("source"); s != nil {
				spec := strings.Trim(s.Content(src), `"'`)
				var names func(m *sitter.Node)
				names = func(m *sitter.Node) {
					if m.Type() == "identifier" {
						f.Imports = append(f.Imports, facts.Import{Spec: spec, Local: m.Content(src), Name: m.Content(src),
							Span: lines.Span(int(m.StartByte()), int(m.EndByte()))})
					}
					for i := 0; i < int(m.NamedChildCount()); i++ {
						if c := m.NamedChild(i); c.Type() != "string" {
							names(c)
						}
					}
				}
				names(n)
			}
		case "call_expression":
			fn := n.ChildByFieldName("function")
			args := n.ChildByFieldName("arguments")
			if fn == nil || args == nil {
				break
			}
			name := fn.Content(src)
			if i := strings.LastIndexByte(name, '.'); i >= 0 {
				name = name[i+1:]
			}
			var first *sitter.Node
			if args.NamedChildCount() > 0 {
				first = args.NamedChild(0)
			}
			lit, known := "", false
			if first != nil && first.Type() == "string" {
				lit, known = strings.Trim(first.Content(src), `"'`), true
			}
			switch name {
			case "writeFile", "fetch":
				mod, mem := "fs", "writeFile"
				if name == "fetch" {
					mod, mem = "globalThis", "fetch"
				}
				c := facts.Call{Module: mod, Member: mem,
					Span:       lines.Span(int(n.StartByte()), int(n.EndByte())),
					CalleeSpan: lines.Span(int(fn.StartByte()), int(fn.EndByte()))}
				if first != nil {
					c.Args = []facts.Arg{{Value: lit, Known: known, Func: -1}}
				}
				f.Calls = append(f.Calls, c)
			case "tool", "registerTool":
				if known {
					// The registration call stands in for the handler; the
					// identifiers it calls are its local calls.
					fn := facts.Function{Name: "tool " + lit, Parent: 0, Span: lines.Span(int(n.StartByte()), int(n.EndByte()))}
					var calls func(m *sitter.Node)
					calls = func(m *sitter.Node) {
						if m.Type() == "call_expression" {
							if callee := m.ChildByFieldName("function"); callee != nil && callee.Type() == "identifier" {
								fn.LocalCalls = append(fn.LocalCalls, facts.LocalCall{Callee: facts.Callee{Kind: "local", Name: callee.Content(src), Func: -1}})
							}
						}
						for i := 0; i < int(m.NamedChildCount()); i++ {
							calls(m.NamedChild(i))
						}
					}
					calls(args)
					f.Functions = append(f.Functions, fn)
					f.Tools = append(f.Tools, facts.Tool{Name: lit, SDK: "ts-sdk", Handler: len(f.Functions) - 1, Dispatcher: -1,
						NameSpan: lines.Span(int(first.StartByte()), int(first.EndByte())),
						Span:     lines.Span(int(n.StartByte()), int(n.EndByte()))})
				}
			}
		}
		for i := 0; i < int(n.NamedChildCount()); i++ {
			walk(n.NamedChild(i))
		}
	}
	walk(tree.RootNode())
	return f, nil
}

// Link: a call reaches the tools whose registration holds it, else the
// server; a file's exported calls also reach every tool of another file that
// imports one of its names and calls it in the registration.
func (e *fakeEngine) Link(root string, files []*facts.File) *finding.Result {
	time.Sleep(e.linkDelay)
	res := &finding.Result{Root: root, Files: len(files)}
	at := map[string]int{}
	for _, f := range files {
		for _, t := range f.Tools {
			if k, dup := at[t.Name]; dup { // one tool per name, as the engine's link
				res.Tools[k].Sites = append(res.Tools[k].Sites, finding.ToolSite{File: f.Path, Span: t.Span, NameSpan: t.NameSpan})
				continue
			}
			at[t.Name] = len(res.Tools)
			res.Tools = append(res.Tools, finding.Tool{Name: t.Name, File: f.Path, Span: t.Span, NameSpan: t.NameSpan, SDK: t.SDK})
		}
	}
	for _, f := range files {
		stem := strings.TrimSuffix(filepath.Base(f.Path), filepath.Ext(f.Path))
		var importers []string
		for _, g := range files {
			for _, im := range g.Imports {
				if strings.TrimSuffix(filepath.Base(im.Spec), filepath.Ext(im.Spec)) != stem || g.Path == f.Path {
					continue
				}
				for _, t := range g.Tools {
					for _, lc := range g.Functions[t.Handler].LocalCalls {
						if lc.Callee.Name == im.Local && !contains(importers, t.Name) {
							importers = append(importers, t.Name)
						}
					}
				}
			}
		}
		for _, c := range f.Calls {
			reach := append([]string(nil), importers...)
			for _, t := range f.Tools {
				if t.Span.Start.Offset <= c.Span.Start.Offset && c.Span.End.Offset <= t.Span.End.Offset {
					reach = append(reach, t.Name)
				}
			}
			sort.Strings(reach)
			id, api, kind := capability.FileWrite, "fs.writeFile", "path"
			if c.Member == "fetch" {
				id, api, kind = capability.NetworkClient, "fetch", "url"
			}
			info, _ := capability.Lookup(id)
			fd := finding.Finding{Kind: finding.KindCapability, File: f.Path, Span: c.CalleeSpan, CallSpan: c.Span,
				Capability: id, Class: info.Class, API: api, Rule: "fake." + string(id), Risk: info.BaseRisk,
				Message: api + " " + info.Does[:strings.IndexByte(info.Does+":", ':')],
				Tools:   reach, Server: len(reach) == 0, ScopeKind: kind}
			if len(c.Args) > 0 && c.Args[0].Known {
				fd.Scope = c.Args[0].Value
			}
			res.Findings = append(res.Findings, fd)
		}
	}
	for i := range res.Tools {
		t := &res.Tools[i]
		for _, fd := range res.Findings {
			if contains(fd.Tools, t.Name) && !hasCap(t.Capabilities, fd.Capability) {
				t.Capabilities = append(t.Capabilities, fd.Capability)
			}
		}
	}
	return res
}

func hasCap(l []capability.ID, id capability.ID) bool {
	for _, x := range l {
		if x == id {
			return true
		}
	}
	return false
}

// Check runs the real manifest checks against the root's manifest (overlay first).
func (e *fakeEngine) Check(root string, res *finding.Result, overlay map[string][]byte) {
	mpath := filepath.Join(root, ManifestName)
	text, ok := overlay[mpath]
	if !ok {
		b, err := os.ReadFile(mpath)
		ok = err == nil
		text = b
	}
	var m *manifest.Manifest
	if ok {
		var errs []finding.Finding
		m, errs = manifest.Parse(filepath.ToSlash(mpath), text)
		res.Findings = append(res.Findings, errs...)
	}
	manifest.Check(m, res, nil)
	e.cfg.Policy.Apply(res)
}

var _ = strconv.Itoa

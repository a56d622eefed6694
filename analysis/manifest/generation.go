package manifest

import (
	"bytes"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"sort"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// This file is the generation policy every front-end shares: which part of
// a result a manifest governs, what an update adds, what a prune removes and
// what the user is told about it. `mcpriv manifest` and the language
// server's mcpriv.generateManifest both call Generate, so they write the
// same bytes for the same tree.

// GenerateOptions say which manifest Generate writes and how.
type GenerateOptions struct {
	// Root is the scanned directory. Paths in the result are relative to it
	// (the CLI) or absolute (the language server).
	Root string
	// Target is the manifest to write, usually Root/FileName.
	Target string
	// Old is Target's current text; Exists says whether it exists at all.
	Old    []byte
	Exists bool
	// Prune also removes the grants and scopes no code needs.
	Prune bool
	// Present reports whether a manifest exists at a path (on disk, or as an
	// editor's buffer): it decides which manifest governs which file.
	Present func(path string) bool
	// Show renders a result's file path in notes; nil shows it as it is.
	Show func(file string) string
}

// GrantRef names one grant (Scope "") or one scope of a grant.
type GrantRef struct {
	Tool       string // "" is the server
	Capability capability.ID
	Scope      string
}

// Owner names the section: "server" or "tool NAME".
func (g GrantRef) Owner() string {
	if g.Tool == "" {
		return "server"
	}
	return "tool " + g.Tool
}

// Nested is a manifest below Root that governs some of the result's files,
// which Generate therefore leaves out.
type Nested struct {
	Path  string // the manifest's path, joined with filepath
	Files int    // how many files of the result it governs
}

// Generation is what Generate decided.
type Generation struct {
	Text    []byte // the manifest after the update
	Changed bool   // Text differs from Old (or Old does not exist)
	// Own is the part of the result Target governs.
	Own *finding.Result
	// Before is the parsed Old (nil when it did not exist); After is Text parsed.
	Before, After  *Manifest
	Added, Removed []GrantRef
	// Unused are the grants no code needs that are still in Text; Unknown the
	// tool sections for tools the code does not register.
	Unused  []GrantRef
	Unknown []string
	Nested  []Nested
	// Notes explain what the user should know: a "*" that stands for a
	// non-literal argument, a prune refused or incomplete, an empty scan.
	Notes []string
}

// InvalidError is returned for an existing manifest with errors: it is never
// overwritten.
type InvalidError struct {
	Path     string
	Findings []finding.Finding
}

func (e *InvalidError) Error() string {
	msg := fmt.Sprintf("%s has errors: fix them first (the file was not changed)", e.Path)
	if len(e.Findings) > 0 {
		f := e.Findings[0]
		msg = fmt.Sprintf("%s:%d:%d: %s; %s", e.Path, f.Span.Start.Line+1, f.Span.Start.Col+1, f.Message, msg)
	}
	return msg
}

// Generate computes the least-privilege manifest at opts.Target for the part
// of res it governs: a missing or empty manifest is created whole, an
// existing one only gains what the code needs and it does not grant (and,
// with Prune, loses what no code needs). res must hold every capability
// finding, declared ones included.
func Generate(res *finding.Result, opts GenerateOptions) (*Generation, error) {
	shown := filepath.ToSlash(opts.Target)
	g := &Generation{}
	if opts.Exists {
		before, errs := Parse(shown, opts.Old)
		if len(errs) > 0 {
			return nil, &InvalidError{Path: shown, Findings: errs}
		}
		g.Before = before
	}
	own, nested := Governed(res, opts.Root, opts.Target, opts.Present)
	g.Own, g.Nested = own, nested

	var text []byte
	if opts.Exists && len(bytes.TrimSpace(opts.Old)) > 0 {
		edits, err := Update(opts.Old, own)
		if err != nil {
			return nil, fmt.Errorf("%s: %v (the file was not changed)", shown, err)
		}
		text = Apply(opts.Old, edits)
	} else {
		var err error
		if text, err = CreateAt(own, opts.Root, opts.Target); err != nil {
			return nil, fmt.Errorf("%s: %v (the file was not changed)", shown, err)
		}
	}

	unused, unknown := leftovers(text, own)
	if opts.Prune && len(unused) > 0 {
		if n := unanalysed(res); n > 0 {
			g.Notes = append(g.Notes, fmt.Sprintf("not pruning: %s could not be analysed, so grants only they need would look unused", plural(n, "file")))
		} else {
			var failed []string
			text, failed = prune(text, unused)
			g.Notes = append(g.Notes, failed...)
			unused, unknown = leftovers(text, own)
		}
	}
	g.Text, g.Unused, g.Unknown = text, unused, unknown
	g.After, _ = Parse(shown, text)
	g.Changed = !opts.Exists || !bytes.Equal(opts.Old, text)
	g.Added, g.Removed = compareGrants(g.Before, g.After)
	show := opts.Show
	if show == nil {
		show = func(f string) string { return f }
	}
	g.Notes = append(g.Notes, wideNotes(g.Added, own, show)...)
	for _, t := range unknown {
		g.Notes = append(g.Notes, fmt.Sprintf("tool %q is in the manifest but the code does not register it: remove it by hand if it is gone", t))
	}
	for _, t := range own.Tools {
		if t.NameUnresolved {
			g.Notes = append(g.Notes, fmt.Sprintf("%s:%d: a tool is registered under the name %s, which mcpriv could not resolve to a string: it has no section, and what it needs was granted to server", show(t.File), t.NameSpan.Start.Line+1, t.Expression))
		}
	}
	if res.Files == 0 {
		g.Notes = append(g.Notes, "no source file was found (.js, .ts, .py, .go …): the manifest grants nothing")
	} else if len(own.Tools) == 0 && len(own.Findings) > 0 {
		g.Notes = append(g.Notes, "no MCP tool registration was found: every grant went to server")
	}
	return g, nil
}

// Governed returns the part of res the manifest at target governs: the
// capability findings and tools of the files whose nearest manifest (Find,
// with present) is target. nested lists the other manifests that govern
// files of res, by path.
func Governed(res *finding.Result, root, target string, present func(string) bool) (own *finding.Result, nested []Nested) {
	find := newFinder(root)
	target = filepath.Clean(target)
	byDir := map[string]string{}
	others := map[string]map[string]bool{} // other manifest → the files it governs
	mine := func(file string) bool {
		abs := filepath.FromSlash(file)
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(root, abs)
		}
		d := filepath.Dir(abs)
		mp, ok := byDir[d]
		if !ok {
			mp = find.find(d, present)
			byDir[d] = mp
		}
		if filepath.Clean(mp) == target {
			return true
		}
		if others[mp] == nil {
			others[mp] = map[string]bool{}
		}
		others[mp][file] = true
		return false
	}
	own = &finding.Result{Root: res.Root, Files: res.Files, Bytes: res.Bytes}
	for _, f := range res.Findings {
		if f.Kind == finding.KindCapability && mine(f.File) {
			own.Findings = append(own.Findings, f)
		}
	}
	for _, t := range res.Tools {
		if t.RegisteredIn(mine) {
			own.Tools = append(own.Tools, t)
		}
	}
	for p, files := range others {
		nested = append(nested, Nested{Path: p, Files: len(files)})
	}
	sort.Slice(nested, func(i, j int) bool { return nested[i].Path < nested[j].Path })
	return own, nested
}

// leftovers checks text against the code: the grants no code needs, and the
// tools the code does not register.
func leftovers(text []byte, own *finding.Result) (unused []GrantRef, unknown []string) {
	m, errs := Parse(FileName, text)
	if len(errs) > 0 || m.Broken {
		return nil, nil
	}
	fresh := &finding.Result{Tools: own.Tools}
	for _, f := range own.Findings {
		f.Manifest, f.UndeclaredFor = finding.NotChecked, nil
		fresh.Findings = append(fresh.Findings, f)
	}
	Check(m, fresh, nil)
	for _, f := range fresh.Findings {
		switch {
		case f.Kind == finding.KindUnusedGrant:
			if ref, ok := GrantAt(m, f.Capability, f.Span.Start.Offset); ok {
				unused = append(unused, ref)
			}
		case f.Rule == RuleUnknownTool:
			for _, t := range m.Tools {
				if t.Span == f.Span {
					unknown = append(unknown, t.Name)
				}
			}
		}
	}
	return unused, unknown
}

// GrantAt finds the grant (a capability key) or the scope of a grant that
// starts at byte offset in m's text: unused-grant findings point there. An
// empty id matches any capability.
func GrantAt(m *Manifest, id capability.ID, offset int) (GrantRef, bool) {
	if m == nil || m.Broken {
		return GrantRef{}, false
	}
	for _, sec := range append([]Section{m.Server}, m.Tools...) {
		for _, e := range sec.Entries {
			if id != "" && e.Capability != id {
				continue
			}
			if e.Span.Start.Offset == offset {
				return GrantRef{sec.Name, e.Capability, ""}, true
			}
			for _, s := range e.Scopes {
				if s.Span.Start.Offset == offset {
					return GrantRef{sec.Name, e.Capability, s.Value}, true
				}
			}
		}
	}
	return GrantRef{}, false
}

// prune removes the unused grants from text, one edit at a time (each edit
// is computed on the text the previous one produced). What cannot be
// removed (a scope behind a YAML alias) is returned as notes.
func prune(text []byte, unused []GrantRef) ([]byte, []string) {
	var notes []string
	for _, g := range unused {
		edits, err := RemoveGrant(text, g.Tool, g.Capability, g.Scope)
		if err != nil {
			notes = append(notes, fmt.Sprintf("could not remove %s's %s grant %q: %v; remove it by hand", g.Owner(), g.Capability, g.Scope, err))
			continue
		}
		text = Apply(text, edits)
	}
	return text, notes
}

// unanalysed counts the source files the engine could not analyse or
// skipped. Build output whose sources were analysed in its place does not
// count: no grant only it needs can exist.
func unanalysed(res *finding.Result) int {
	n := 0
	for _, e := range res.Errors {
		if e.BuiltFrom == "" {
			n++
		}
	}
	return n
}

// Unanalysed counts the files of res the manifest cannot cover: the ones
// the engine could not analyse or skipped (build output analysed through its
// sources aside).
func Unanalysed(res *finding.Result) int { return unanalysed(res) }

// grantRefs is every (section, capability, scope) of a manifest.
func grantRefs(m *Manifest) map[GrantRef]bool {
	out := map[GrantRef]bool{}
	if m == nil {
		return out
	}
	for _, sec := range append([]Section{m.Server}, m.Tools...) {
		for _, e := range sec.Entries {
			for _, s := range e.Scopes {
				out[GrantRef{sec.Name, e.Capability, s.Value}] = true
			}
		}
	}
	return out
}

// GrantCount is how many scopes m grants in all.
func GrantCount(m *Manifest) int { return len(grantRefs(m)) }

// compareGrants lists the scopes after has that before has not, and the
// other way round, in a stable order.
func compareGrants(before, after *Manifest) (added, removed []GrantRef) {
	b, a := grantRefs(before), grantRefs(after)
	for g := range a {
		if !b[g] {
			added = append(added, g)
		}
	}
	for g := range b {
		if !a[g] {
			removed = append(removed, g)
		}
	}
	less := func(xs []GrantRef) func(i, j int) bool {
		return func(i, j int) bool {
			x, y := xs[i], xs[j]
			if x.Tool != y.Tool {
				return x.Tool < y.Tool
			}
			if x.Capability != y.Capability {
				return x.Capability < y.Capability
			}
			return x.Scope < y.Scope
		}
	}
	sort.Slice(added, less(added))
	sort.Slice(removed, less(removed))
	return added, removed
}

// wideNotes explains every added "*" that stands for a non-literal argument,
// naming a call that needs it.
func wideNotes(added []GrantRef, own *finding.Result, show func(string) string) []string {
	var notes []string
	for _, g := range added {
		info, ok := capability.Lookup(g.Capability)
		if g.Scope != "*" || !ok || info.Scope == capability.ScopeNone {
			continue
		}
		for _, f := range own.Findings {
			if f.Capability != g.Capability || !reaches(&f, g.Tool) {
				continue
			}
			if !slices.ContainsFunc(Grants(&f, g.Tool), func(x GrantOf) bool { return x.ID == g.Capability && x.Scope == "*" && !x.Exact }) {
				continue
			}
			api := f.API
			if api == "" {
				api = "a call"
			}
			if f.ScopeUnknown != "" {
				notes = append(notes, fmt.Sprintf("%s: %s %q: %s at %s:%d:%d takes a literal whose scope cannot be inferred (%s): only \"*\" covers it",
					g.Owner(), g.Capability, "*", api, path.Clean(show(f.File)), f.Span.Start.Line+1, f.Span.Start.Col+1, f.ScopeUnknown))
				break
			}
			notes = append(notes, fmt.Sprintf("%s: %s %q: %s at %s:%d:%d takes an argument that is not a literal; narrow the grant by hand",
				g.Owner(), g.Capability, "*", api, path.Clean(show(f.File)), f.Span.Start.Line+1, f.Span.Start.Col+1))
			break
		}
	}
	return notes
}

// reaches reports whether tool ("" = server) reaches f, as Check counts it.
func reaches(f *finding.Finding, tool string) bool {
	if tool == "" {
		return f.Server || len(f.Tools) == 0
	}
	for _, t := range f.Tools {
		if t == tool {
			return true
		}
	}
	return false
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

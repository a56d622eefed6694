// Package lang is the registry of the analysed languages: each language
// package (jsts, python, golang) is reached through one Language value, so
// the engine, the link and the front-ends ask the registry instead of
// switching on the language.
package lang

import (
	"fmt"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/lang/golang"
	"github.com/mcpriv/mcpriv/analysis/lang/jsts"
	"github.com/mcpriv/mcpriv/analysis/lang/python"
	"github.com/mcpriv/mcpriv/analysis/modules"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// Language is what the pipeline needs of one language family.
type Language interface {
	// Family is the rule language ("js", "python", "go"): the rules/<family>
	// directory and source.Lang.Family.
	Family() string
	// Extract extracts the facts of src, parsed as tree. It may panic on a
	// bug; Extract (the function) turns that into an error.
	Extract(path string, l source.Lang, src []byte, tree *sitter.Tree) (*facts.File, error)
	// ImportedFiles lists the project files (slash paths) an import
	// specifier of a file in dir may name, most likely first; nil for an
	// import of a library, or when imports name packages (PackageWide).
	ImportedFiles(dir, spec string) []string
	// ImportNeeds lists what an import of a file in dir may run or name:
	// project files (slash paths), and the dotted module names an absolute
	// import names (matched against ModuleNames of other files).
	ImportNeeds(dir string, imp facts.Import) (files, names []string)
	// ModuleNames lists the dotted names an absolute import may name the
	// file p by; nil where imports name files or packages.
	ModuleNames(p string) []string
	// PackageWide reports whether the files of a directory call each other
	// without imports (Go packages): a file needs every file of its directory.
	PackageWide() bool
	// Imports is what an import names, which decides how a call through a
	// module reaches project code.
	Imports() ImportKind
	// RelativeImport reports whether module is written relative to the
	// importing file ("./x", ".x"): a project file, never a library.
	RelativeImport(module string) bool
	// IsEntry reports whether a function of a file runs at start-up by
	// itself (Go main and init), besides the file's top level.
	IsEntry(fn *facts.Function) bool
	// TypedAcrossPackage reports whether call modules are rewritten by the
	// types of the whole package (Go), so a file is never linked or
	// extracted incrementally on its own.
	TypedAcrossPackage() bool
	// HandlerFactories reports whether a tool registered with a factory's
	// result and no inputs runs the closure the factory returns (Go:
	// tools.HandleRead(root)); the link then roots the tool's input there.
	HandlerFactories() bool
	// RangedSupported reports whether a document can be re-extracted by
	// changed range (analysis/ranged).
	RangedSupported() bool
	// IndentedBlocks reports whether blocks are made by indentation
	// (Python): ranged extraction then declares names, globals and
	// continued statements by that grammar.
	IndentedBlocks() bool
	// RegistrationWords are words one of which a file must mention to
	// register an MCP tool (with the rule words: the pre-filter).
	RegistrationWords() []string
	// APIModule is how module is shown in a finding's API name; global:
	// the module is the language's global scope, shown as the member alone.
	APIModule(module string) (name string, global bool)
	// LineComment starts a comment that runs to the end of the line (the
	// language server's suppression quick-fix writes one).
	LineComment() string
	// ExampleFile is the file a rule example of the family is analysed
	// under when it names none (`mcpriv rules test`).
	ExampleFile() string
}

// ForFamily returns the language of a rule family ("js", "python", "go"),
// or nil when none is registered.
func ForFamily(family string) Language {
	for _, x := range registry {
		if x.Family() == family {
			return x
		}
	}
	return nil
}

// ImportKind is what an import names.
type ImportKind int

const (
	// ImportsFiles: a relative import names a project file (JavaScript).
	ImportsFiles ImportKind = iota
	// ImportsModules: an import names a dotted module a project file may
	// define (Python).
	ImportsModules
	// ImportsPackages: an import names a package, a directory (Go).
	ImportsPackages
)

// registrationWords name MCP tool registrations in every SDK. Every
// language keeps all of them: narrowing one would change which files the
// pre-filter skips.
var registrationWords = []string{"tool", "registerTool", "setRequestHandler", "CallToolRequestSchema",
	"call_tool", "add_tool", "AddTool", "AddTools", "NewTool", "Tool"}

type jsLang struct{}

func (jsLang) Family() string                          { return "js" }
func (jsLang) ImportedFiles(dir, spec string) []string { return modules.JSCandidates(dir, spec) }
func (jsLang) PackageWide() bool                       { return false }
func (x jsLang) ImportNeeds(dir string, imp facts.Import) (files, names []string) {
	return x.ImportedFiles(dir, imp.Spec), nil
}
func (jsLang) ModuleNames(string) []string { return nil }
func (jsLang) Extract(p string, l source.Lang, src []byte, tree *sitter.Tree) (*facts.File, error) {
	return jsts.Extract(p, l, src, tree)
}

func (jsLang) Imports() ImportKind { return ImportsFiles }
func (jsLang) RelativeImport(m string) bool {
	return strings.HasPrefix(m, ".") || strings.HasPrefix(m, "/")
}
func (jsLang) IsEntry(*facts.Function) bool      { return false }
func (jsLang) TypedAcrossPackage() bool          { return false }
func (jsLang) HandlerFactories() bool            { return false }
func (jsLang) RangedSupported() bool             { return true }
func (jsLang) IndentedBlocks() bool              { return false }
func (jsLang) RegistrationWords() []string       { return registrationWords }
func (jsLang) APIModule(m string) (string, bool) { return m, m == "globalThis" }
func (jsLang) LineComment() string               { return "//" }
func (jsLang) ExampleFile() string               { return "example.ts" }

type pyLang struct{}

func (pyLang) Family() string                          { return "python" }
func (pyLang) ImportedFiles(dir, spec string) []string { return modules.PyCandidates(dir, spec) }
func (pyLang) PackageWide() bool                       { return false }
func (pyLang) ModuleNames(p string) []string           { return modules.PyModuleNames(p) }

// ImportNeeds: the imported module, the module an imported name may be
// (from . import tools, from pkg import tools), and for an absolute import
// the module and the packages holding it, by dotted name.
func (x pyLang) ImportNeeds(dir string, imp facts.Import) (files, names []string) {
	files = x.ImportedFiles(dir, imp.Spec)
	relative := strings.HasPrefix(imp.Spec, ".")
	if imp.Name != "" && imp.Name != "*" {
		sub := imp.Spec + "." + imp.Name
		if strings.HasSuffix(imp.Spec, ".") {
			sub = imp.Spec + imp.Name
		}
		files = append(files, x.ImportedFiles(dir, sub)...)
		if !relative {
			names = append(names, sub)
		}
	}
	if relative {
		return files, names
	}
	for m := imp.Spec; m != ""; {
		names = append(names, m)
		i := strings.LastIndexByte(m, '.')
		if i < 0 {
			break
		}
		m = m[:i]
	}
	return files, names
}
func (pyLang) Extract(p string, _ source.Lang, src []byte, tree *sitter.Tree) (*facts.File, error) {
	return python.Extract(p, src, tree)
}

func (pyLang) Imports() ImportKind               { return ImportsModules }
func (pyLang) RelativeImport(m string) bool      { return strings.HasPrefix(m, ".") }
func (pyLang) IsEntry(*facts.Function) bool      { return false }
func (pyLang) TypedAcrossPackage() bool          { return false }
func (pyLang) HandlerFactories() bool            { return false }
func (pyLang) RangedSupported() bool             { return true }
func (pyLang) IndentedBlocks() bool              { return true }
func (pyLang) RegistrationWords() []string       { return registrationWords }
func (pyLang) APIModule(m string) (string, bool) { return m, m == "builtins" }
func (pyLang) LineComment() string               { return "#" }
func (pyLang) ExampleFile() string               { return "example.py" }

type goLang struct{}

func (goLang) Family() string                                           { return "go" }
func (goLang) ImportedFiles(string, string) []string                    { return nil }
func (goLang) PackageWide() bool                                        { return true }
func (goLang) ImportNeeds(string, facts.Import) (files, names []string) { return nil, nil }
func (goLang) ModuleNames(string) []string                              { return nil }
func (goLang) Extract(p string, _ source.Lang, src []byte, tree *sitter.Tree) (*facts.File, error) {
	return golang.Extract(p, src, tree)
}

func (goLang) Imports() ImportKind               { return ImportsPackages }
func (goLang) RelativeImport(string) bool        { return false }
func (goLang) TypedAcrossPackage() bool          { return true }
func (goLang) HandlerFactories() bool            { return true }
func (goLang) RangedSupported() bool             { return false }
func (goLang) IndentedBlocks() bool              { return false }
func (goLang) RegistrationWords() []string       { return registrationWords }
func (goLang) APIModule(m string) (string, bool) { return goPackageName(m), false }
func (goLang) LineComment() string               { return "//" }
func (goLang) ExampleFile() string               { return "example.go" }

// IsEntry: main and init of the package block run at start-up.
func (goLang) IsEntry(fn *facts.Function) bool {
	return fn.Class == "" && fn.Parent <= 0 && (fn.Name == "main" || fn.Name == "init")
}

// goPackageName guesses the package name of an import path: its last
// element, skipping a major-version suffix.
func goPackageName(p string) string {
	parts := strings.Split(p, "/")
	name := parts[len(parts)-1]
	if len(parts) > 1 && len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		name = parts[len(parts)-2]
	}
	if i := strings.IndexAny(name, ".-"); i > 0 && strings.HasPrefix(p, "gopkg.in/") {
		name = name[:i]
	}
	return name
}

// registry lists the languages, one line each.
var registry = []Language{jsLang{}, pyLang{}, goLang{}}

// All returns the registered languages.
func All() []Language { return registry }

// For returns the language of l, or nil when none is registered.
func For(l source.Lang) Language { return ForFamily(l.Family()) }

// Extract extracts the facts of src with the registered language of l,
// turning a panic of the extractor into an error (the analysed code is
// hostile input), and gives facts without functions the top-level one.
func Extract(p string, l source.Lang, src []byte, tree *sitter.Tree) (f *facts.File, err error) {
	x := For(l)
	if x == nil {
		return nil, fmt.Errorf("%s: no extractor for %s", p, l)
	}
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("%s: %w while extracting facts: %v", p, facts.ErrInternal, r)
		}
	}()
	f, err = x.Extract(p, l, src, tree)
	if f != nil && len(f.Functions) == 0 {
		f.Functions = []facts.Function{{Parent: -1}}
	}
	return f, err
}

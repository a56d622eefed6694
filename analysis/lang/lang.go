// Package lang is the registry of the analysed languages: each language
// package (jsts, python, golang) is reached through one Language value, so
// the engine, the link and the front-ends ask the registry instead of
// switching on the language.
package lang

import (
	"fmt"

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
	// PackageWide reports whether the files of a directory call each other
	// without imports (Go packages): a file needs every file of its directory.
	PackageWide() bool
}

type jsLang struct{}

func (jsLang) Family() string                          { return "js" }
func (jsLang) ImportedFiles(dir, spec string) []string { return modules.JSCandidates(dir, spec) }
func (jsLang) PackageWide() bool                       { return false }
func (jsLang) Extract(p string, l source.Lang, src []byte, tree *sitter.Tree) (*facts.File, error) {
	return jsts.Extract(p, l, src, tree)
}

type pyLang struct{}

func (pyLang) Family() string                          { return "python" }
func (pyLang) ImportedFiles(dir, spec string) []string { return modules.PyCandidates(dir, spec) }
func (pyLang) PackageWide() bool                       { return false }
func (pyLang) Extract(p string, _ source.Lang, src []byte, tree *sitter.Tree) (*facts.File, error) {
	return python.Extract(p, src, tree)
}

type goLang struct{}

func (goLang) Family() string                        { return "go" }
func (goLang) ImportedFiles(string, string) []string { return nil }
func (goLang) PackageWide() bool                     { return true }
func (goLang) Extract(p string, _ source.Lang, src []byte, tree *sitter.Tree) (*facts.File, error) {
	return golang.Extract(p, src, tree)
}

// registry lists the languages, one line each.
var registry = []Language{jsLang{}, pyLang{}, goLang{}}

// All returns the registered languages.
func All() []Language { return registry }

// For returns the language of l, or nil when none is registered.
func For(l source.Lang) Language {
	fam := l.Family()
	for _, x := range registry {
		if x.Family() == fam {
			return x
		}
	}
	return nil
}

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

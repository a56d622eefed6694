package rules

import (
	"embed"
	"sync"
)

//go:embed *.yaml
var embedded embed.FS

// Families are the rule families, one per language group.
var Families = []string{"js", "python", "go"}

// Set is a loaded, indexed rule set. It is immutable and safe for concurrent
// use; the *Rule values it hands out must not be modified.
type Set struct {
	rules []*Rule
	byID  map[string]*Rule
	fams  map[string]*family
}

var (
	defaultOnce sync.Once
	defaultSet  *Set
	defaultErr  error
)

// Default returns the embedded rules, parsed once and shared.
func Default() (*Set, error) {
	defaultOnce.Do(func() { defaultSet, defaultErr = Load() })
	return defaultSet, defaultErr
}

// Rules returns every rule sorted by ID.
func (s *Set) Rules() []*Rule {
	if s == nil {
		return nil
	}
	return append([]*Rule(nil), s.rules...)
}

// Rule returns the rule with the given ID, or nil.
func (s *Set) Rule(id string) *Rule {
	if s == nil {
		return nil
	}
	return s.byID[id]
}

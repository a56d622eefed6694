package rules

import (
	"errors"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// Set is a loaded, indexed rule set. (Placeholder until the loader lands.)
type Set struct{}

// Match is a rule that fires on a call.
type Match struct {
	Rule      *Rule
	Scope     string
	ScopeKind string
	ScopeArg  *facts.Arg
	TaintArgs []*facts.Arg
	TaintKey  bool
}

// Default returns the embedded rules.
func Default() (*Set, error) { return nil, errors.New("rules: not built yet") }

// Load returns the embedded rules plus those in dirs.
func Load(dirs ...string) (*Set, error) { return nil, errors.New("rules: not built yet") }

// Rules returns every rule sorted by ID.
func (s *Set) Rules() []*Rule { return nil }

// Rule returns the rule with the given ID.
func (s *Set) Rule(id string) *Rule { return nil }

// Match returns the rules that fire on c.
func (s *Set) Match(family string, c *facts.Call) []Match { return nil }

// Words returns the pre-filter words of a family.
func (s *Set) Words(family string) map[string]bool { return nil }

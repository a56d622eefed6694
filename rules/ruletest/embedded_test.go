package ruletest

import (
	"context"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/rules"
)

// TestEmbeddedExamples runs every example of every embedded rule through the
// engine; a rule without a match and a noMatch example fails.
func TestEmbeddedExamples(t *testing.T) {
	set, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), set, set.Rules())
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	cases := 0
	for _, r := range res {
		cases += len(r.Cases)
		switch r.Status {
		case NoExamples:
			missing = append(missing, r.ID)
		case Fail:
			for _, c := range r.Cases {
				if !c.Pass {
					t.Errorf("%s: %s example %d (%s:%d): %s\n  fired: %v\n  calls: %v", r.ID, c.Kind, c.Index, r.Source, c.Line, c.Problem, c.Fired, c.Calls)
				}
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d rules lack a match or a noMatch example: %s", len(missing), len(res), strings.Join(missing, " "))
	}
	if cases < 2*len(res) {
		t.Errorf("%d examples for %d rules", cases, len(res))
	}
}

package finding

import (
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
)

func TestPolicySeverity(t *testing.T) {
	capf := func(risk capability.Risk, m ManifestState) *Finding {
		return &Finding{Kind: KindCapability, Capability: capability.FileWrite, Risk: risk, Manifest: m}
	}
	for _, tc := range []struct {
		name string
		p    Policy
		f    *Finding
		want Severity
	}{
		{"no manifest, high", Policy{}, capf(capability.High, NoManifest), Info},
		{"no manifest, critical", Policy{}, capf(capability.Critical, NoManifest), Warning},
		{"declared", Policy{}, capf(capability.Critical, Declared), Info},
		{"undeclared", Policy{}, capf(capability.Medium, Undeclared), Warning},
		{"undeclared critical", Policy{}, capf(capability.Critical, Undeclared), Error},
		{"out of scope", Policy{}, capf(capability.Low, OutOfScope), Warning},
		{"unchecked low", Policy{}, capf(capability.Low, NotChecked), Info},
		{"unchecked high", Policy{}, capf(capability.High, NotChecked), Warning},
		{"override capability", Policy{Capability: map[capability.ID]Severity{capability.FileWrite: Hint}}, capf(capability.Critical, Undeclared), Hint},
		{"invalid manifest", Policy{}, &Finding{Kind: KindInvalidManifest}, Error},
		{"unused grant", Policy{}, &Finding{Kind: KindUnusedGrant}, Warning},
		{"override kind", Policy{Kind: map[Kind]Severity{KindUnusedGrant: Info}}, &Finding{Kind: KindUnusedGrant}, Info},
	} {
		if got := tc.p.Severity(tc.f); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestPolicyApplyHidesDeclared(t *testing.T) {
	r := &Result{Findings: []Finding{
		{Kind: KindCapability, Capability: capability.FileRead, Risk: capability.Medium, Manifest: Declared},
		{Kind: KindCapability, Capability: capability.FileRead, Risk: capability.Medium, Manifest: Undeclared},
	}}
	Policy{HideDeclared: true}.Apply(r)
	if len(r.Findings) != 1 || r.Findings[0].Manifest != Undeclared || r.Findings[0].Severity != Warning {
		t.Errorf("Apply kept %+v", r.Findings)
	}
	if Error.Rank() <= Warning.Rank() || Hint.Rank() != 1 || Severity("x").Rank() != 0 {
		t.Error("Rank order is wrong")
	}
}

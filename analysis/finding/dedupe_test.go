package finding

import (
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/source"
)

func TestDedupe(t *testing.T) {
	at := func(off int) source.Span {
		return source.Span{Start: source.Pos{Offset: off}, End: source.Pos{Offset: off + 3}}
	}
	in := []Finding{
		{Kind: KindCapability, File: "a.ts", Span: at(10), Capability: capability.FileWrite, Rule: "js.fs.write", Risk: capability.Medium},
		{Kind: KindCapability, File: "a.ts", Span: at(10), Capability: capability.FileWrite, Rule: "user.fs.write", Risk: capability.High},
		{Kind: KindCapability, File: "a.ts", Span: at(10), Capability: capability.FileDelete, Rule: "js.fs.rename"},
		{Kind: KindHintMismatch, File: "a.ts", Span: at(20), Rule: "manifest.hint-mismatch", Message: "m"},
		{Kind: KindHintMismatch, File: "a.ts", Span: at(20), Rule: "manifest.hint-mismatch", Message: "m"},
		{Kind: KindHintMismatch, File: "a.ts", Span: at(20), Rule: "manifest.hint-mismatch", Message: "other"},
		{Kind: KindCapability, File: "b.ts", Span: at(10), Capability: capability.FileWrite, Rule: "js.fs.write"},
		{Kind: KindCapability, File: "b.ts", Span: at(30), Capability: capability.FileWrite, Rule: "js.fs.write"},
	}
	got := Dedupe(append([]Finding(nil), in...))
	want := []Finding{in[1], in[2], in[3], in[5], in[6], in[7]}
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].Rule != want[i].Rule || got[i].File != want[i].File || got[i].Span != want[i].Span || got[i].Message != want[i].Message || got[i].Capability != want[i].Capability {
			t.Errorf("finding %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if Dedupe(nil) != nil && len(Dedupe(nil)) != 0 {
		t.Error("Dedupe(nil) is not empty")
	}
}

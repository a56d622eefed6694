package capability

import "testing"

func TestTaxonomy(t *testing.T) {
	all := All()
	if len(all) != 13 {
		t.Fatalf("%d capabilities, the taxonomy has 13", len(all))
	}
	seen := map[ID]bool{}
	for _, i := range all {
		if seen[i.ID] {
			t.Errorf("duplicate %s", i.ID)
		}
		seen[i.ID] = true
		if i.ID.Class() != i.Class {
			t.Errorf("%s: class %s, ID says %s", i.ID, i.Class, i.ID.Class())
		}
		if i.Does == "" || i.Why == "" || i.Title == "" || i.BaseRisk == 0 || i.Scope == "" {
			t.Errorf("%s: incomplete entry %+v", i.ID, i)
		}
		if got, ok := Lookup(i.ID); !ok || got.ID != i.ID {
			t.Errorf("Lookup(%s) failed", i.ID)
		}
	}
	if Valid("file.execute") || !Valid(FileWrite) {
		t.Error("Valid is wrong")
	}
	// Base risks are the taxonomy's.
	for id, want := range map[ID]Risk{NetworkClient: Medium, SystemExec: High, SystemCode: Critical, SystemEnv: Low, FileWrite: High, MemoryShared: Medium} {
		if i, _ := Lookup(id); i.BaseRisk != want {
			t.Errorf("%s base risk %s, want %s", id, i.BaseRisk, want)
		}
	}
}

func TestRisk(t *testing.T) {
	if Medium.Escalate() != High || Critical.Escalate() != Critical || Low.Escalate() != Medium {
		t.Error("Escalate is wrong")
	}
	for _, s := range []string{"low", "Medium", "HIGH", "critical"} {
		if _, err := ParseRisk(s); err != nil {
			t.Errorf("ParseRisk(%q): %v", s, err)
		}
	}
	if _, err := ParseRisk("severe"); err == nil {
		t.Error("ParseRisk(severe) gave no error")
	}
}

func TestSuggest(t *testing.T) {
	for in, want := range map[string]ID{"file.wrte": FileWrite, "network.clinet": NetworkClient, "FILE.READ": FileRead, "zzzzzzzz": ""} {
		if got := Suggest(in); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

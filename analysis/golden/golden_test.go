package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder captures failures instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, format)
}

func TestCheck(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.golden")
	if err := os.WriteFile(p, []byte("a\nb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &recorder{TB: t}
	Check(r, p, "a\nb\n")
	if len(r.errs) != 0 {
		t.Errorf("equal output reported: %v", r.errs)
	}
	Check(r, p, "a\nc\n")
	if len(r.errs) != 1 {
		t.Errorf("different output not reported")
	}
}

func TestDiff(t *testing.T) {
	d := Diff("a\nb\nc", "a\nx\nc\nd")
	for _, want := range []string{"   2 - b", "   2 + x", "   4 + d"} {
		if !strings.Contains(d, want) {
			t.Errorf("Diff is missing %q:\n%s", want, d)
		}
	}
	if strings.Contains(d, " a") {
		t.Errorf("Diff lists an equal line:\n%s", d)
	}
}

package didyoumean

import "testing"

func TestClosest(t *testing.T) {
	names := []string{"capability", "modules", "calls", "access"}
	for _, tc := range []struct {
		in    string
		limit int
		want  string
	}{
		{"capabilty", 3, "capability"},
		{"Modules", 3, "modules"},
		{"cals", 3, "calls"},
		{"zzzzzz", 3, ""},
		{"acess", 1, ""}, // distance 1 is not below limit 1
		{"acess", 2, "access"},
	} {
		if got := Closest(tc.in, names, tc.limit); got != tc.want {
			t.Errorf("Closest(%q, %d) = %q, want %q", tc.in, tc.limit, got, tc.want)
		}
	}
	if distance("", "abc") != 3 || distance("kitten", "sitting") != 3 {
		t.Error("distance is wrong")
	}
}

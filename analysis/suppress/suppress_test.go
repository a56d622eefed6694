package suppress

import (
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		comment string
		caps    []string
		reason  string
		ok      bool
	}{
		{"// mcpriv-ignore: file.write -- writes only its cache", []string{"file.write"}, "writes only its cache", true},
		{"# mcpriv-ignore: file.write, network.client -- both reviewed", []string{"file.write", "network.client"}, "both reviewed", true},
		{"/* mcpriv-ignore: system.exec -- runs git only */", []string{"system.exec"}, "runs git only", true},
		{"// mcpriv-ignore: file.delete", []string{"file.delete"}, "", true},
		{"// mcpriv-ignore:file.read--x", []string{"file.read"}, "x", true},
		{"// mcpriv-ignore", nil, "", true},
		{"// mcpriv-ignore -- because", nil, "because", true},
		{"// mcpriv-ignored: file.read", nil, "", false},
		{"// nothing to see", nil, "", false},
		{"// mcpriv-ignore: file.read -- reason -- with dashes", []string{"file.read"}, "reason -- with dashes", true},
	} {
		caps, reason, ok := Parse(tc.comment)
		if ok != tc.ok || reason != tc.reason || !reflect.DeepEqual(caps, tc.caps) {
			t.Errorf("Parse(%q) = %q, %q, %v; want %q, %q, %v", tc.comment, caps, reason, ok, tc.caps, tc.reason, tc.ok)
		}
	}
}

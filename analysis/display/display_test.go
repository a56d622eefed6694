package display

import (
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"naïve 日本", "naïve 日本"},
		{"a\x1b[2Kb", `a\x1b[2Kb`},
		{"x\rsystem.exec", `x\rsystem.exec`},
		{"\x1b]8;;https://evil/\x1b\\link\x1b]8;;\x1b\\", `\x1b]8;;https://evil/\x1b\link\x1b]8;;\x1b\`},
		{"a\nb\tc", `a\nb\tc`},
		{"del\x7f", `del\x7f`},
		{"c1\u009b2J", `c1\u009b2J`},
		{"nel\u0085", `nel\u0085`},
		{"rlo\u202egnp.exe", `rlo\u202egnp.exe`},
		{"iso\u2066x\u2069", `iso\u2066x\u2069`},
		{"ls\u2028ps\u2029", `ls\u2028ps\u2029`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"\u200f\ufeff", `\u200f\ufeff`},
		// Invisible format characters (session 7): a name that looks
		// like another, or text an editor hides.
		{"r\u200bun", `r\u200bun`},
		{"soft\u00adhyphen", `soft\u00adhyphen`},
		{"zw\u200c\u200dj", `zw\u200c\u200dj`},
		{"wj\u2060\u2064", `wj\u2060\u2064`},
		{"mvs\u180e", `mvs\u180e`},
		{"hangul\u3164", `hangul\u3164`},
		{"tag\U000e0041\U000e007f", `tag\U000e0041\U000e007f`},
		{"naïve ñ é", "naïve ñ é"},
	}
	for _, tt := range tests {
		got := Escape(tt.in)
		if got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
		for _, r := range got {
			if Unsafe(r) {
				t.Errorf("Escape(%q) still holds %U", tt.in, r)
			}
		}
	}
}

func FuzzEscape(f *testing.F) {
	f.Add("a\x1b[2Kb\u202e\xff")
	f.Fuzz(func(t *testing.T, s string) {
		got := Escape(s)
		for _, r := range got {
			if Unsafe(r) || r == 0xfffd && !strings.ContainsRune(s, 0xfffd) {
				t.Fatalf("Escape(%q) = %q holds %U", s, got, r)
			}
		}
	})
}

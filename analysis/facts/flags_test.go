package facts

import "testing"

func TestOpenFlag(t *testing.T) {
	for _, tc := range []struct{ mod, member, want string }{
		{"os", "O_WRONLY", "os.O_WRONLY"},
		{"syscall", "O_CREAT", "syscall.O_CREAT"},
		{"golang.org/x/sys/unix", "O_RDONLY", "golang.org/x/sys/unix.O_RDONLY"},
		{"os", "O_", ""},
		{"os", "Open", ""},
		{"os", "O_lower", ""},
		{"config", "O_WRONLY", ""}, // a project constant: its value is unknown
		{".settings", "DEFAULT_PORT", ""},
	} {
		if got := OpenFlag(tc.mod, tc.member); got != tc.want {
			t.Errorf("OpenFlag(%q, %q) = %q, want %q", tc.mod, tc.member, got, tc.want)
		}
	}
	if got := OrFlags("os.O_WRONLY", "os.O_CREATE"); got != "os.O_WRONLY|os.O_CREATE" {
		t.Errorf("OrFlags = %q", got)
	}
	if got := OrFlags("os.O_WRONLY", ""); got != "" {
		t.Errorf("OrFlags with an unknown side = %q, want \"\"", got)
	}
}

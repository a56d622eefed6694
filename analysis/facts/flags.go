package facts

import "strings"

// OpenFlag is the Arg.Number of an argument that names an open(2) flag
// constant of the standard library (Go os.O_WRONLY, syscall.O_CREAT, Python
// os.O_RDWR): its canonical symbol, so that rules can tell an open for
// reading from one for writing (`matches: "O_(WRONLY|RDWR|…)"`). It is ""
// for every other symbol: a constant of unknown value must not count as a
// known argument (a computed module name is not a literal one).
func OpenFlag(module, member string) string {
	switch module {
	case "os", "syscall", "golang.org/x/sys/unix", "golang.org/x/sys/windows":
	default:
		return ""
	}
	if len(member) < 3 || !strings.HasPrefix(member, "O_") {
		return ""
	}
	for i := 2; i < len(member); i++ {
		if c := member[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return ""
		}
	}
	return module + "." + member
}

// OrFlags is the Arg.Number of a | b: both sides joined by "|" when both
// are known numbers or flags (os.O_WRONLY|os.O_CREATE), else "".
func OrFlags(a, b string) string {
	if a == "" || b == "" {
		return ""
	}
	return a + "|" + b
}

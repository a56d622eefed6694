package manifest

import (
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
)

func TestMatchHost(t *testing.T) {
	tests := []struct {
		grant, lit string
		want       bool
	}{
		{"api.github.com", "api.github.com", true},
		{"api.github.com", "API.GitHub.com", true},
		{"api.github.com", "api.github.com.", true},     // trailing dot: same host
		{"api.github.com.", "api.github.com", true},     // on either side
		{"api.github.com", "api.github.com:8443", true}, // no port in the grant: any port
		{"api.github.com", "https://api.github.com/repos", true},
		{"api.github.com", "evil.example", false},
		{"api.github.com", "api.github.com.evil.example", false},
		{"github.com", "api.github.com", false},
		{"*.example.com", "a.example.com", true},
		{"*.example.com", "a.b.example.com", true},
		{"*.example.com", "example.com", false}, // the apex is not a subdomain
		{"*.example.com", "badexample.com", false},
		{"*.example.com", "a.example.com.", true},
		{"localhost:8080", "localhost:8080", true},
		{"localhost:8080", "localhost:9090", false},
		{"localhost:8080", "localhost", false},          // unknown port
		{"api.x.com:443", "https://api.x.com/v1", true}, // https defaults to 443
		{"api.x.com:443", "http://api.x.com/v1", false},
		{"api.x.com:80", "http://api.x.com", true},
		{"[::1]:8080", "[::1]:8080", true},
		{"[::1]:8080", "http://[::1]:8080/x", true},
		{"[::1]", "[0:0:0:0:0:0:0:1]:9000", true}, // same address, any port
		{"[::1]:8080", "[::1]:8081", false},
		{"10.0.0.1", "10.0.0.1:5432", true},
		{"10.0.0.1", "10.0.0.2", false},
		{"*", "anything.at.all:1", true},
	}
	for _, tc := range tests {
		if got := MatchHost(tc.grant, tc.lit); got != tc.want {
			t.Errorf("MatchHost(%q, %q) = %v, want %v", tc.grant, tc.lit, got, tc.want)
		}
	}
}

func TestMatchPort(t *testing.T) {
	tests := []struct {
		grant, lit string
		want       bool
	}{
		{"3000", "3000", true},
		{":3000", "3000", true},
		{"3000", "127.0.0.1:3000", true}, // no host in the grant: any interface
		{"3000", "3001", false},
		{"127.0.0.1:3000", "127.0.0.1:3000", true},
		{"127.0.0.1:3000", "localhost:3000", true}, // one loopback
		{"localhost:3000", "[::1]:3000", true},
		{"127.0.0.1:3000", "0.0.0.0:3000", false}, // all interfaces is wider
		{"127.0.0.1:3000", "3000", false},         // bare port listens everywhere
		{"127.0.0.1:3000", ":3000", false},
		{"0.0.0.0:3000", "127.0.0.1:3000", true},
		{"0.0.0.0:3000", "3000", true},
		{"[::]:3000", "0.0.0.0:3000", true},
		{"10.0.0.5:80", "10.0.0.6:80", false},
		{"*", "0.0.0.0:1", true},
		{"3000", "not-a-port", false},
	}
	for _, tc := range tests {
		if got := MatchPort(tc.grant, tc.lit); got != tc.want {
			t.Errorf("MatchPort(%q, %q) = %v, want %v", tc.grant, tc.lit, got, tc.want)
		}
	}
}

func TestMatchPath(t *testing.T) {
	tests := []struct {
		grant, lit string
		want       bool
	}{
		{"/etc/hosts", "/etc/hosts", true},
		{"/etc/hosts", "/etc/passwd", false},
		{"/tmp/notes/**", "/tmp/notes/a.txt", true},
		{"/tmp/notes/**", "/tmp/notes/a/b/c.txt", true},
		{"/tmp/notes/**", "/tmp/notes", true}, // ** matches zero segments
		{"/tmp/notes/**", "/tmp/notesx/a", false},
		{"/tmp/notes/*", "/tmp/notes/a.txt", true},
		{"/tmp/notes/*", "/tmp/notes/a/b.txt", false}, // * stays in one segment
		{"/tmp/notes/*.md", "/tmp/notes/a.md", true},
		{"/tmp/notes/?.md", "/tmp/notes/ab.md", false},
		{"/data/**/*.json", "/data/x/y/z.json", true},
		{"/data/**/*.json", "/data/z.json", true},
		{"/tmp/notes/**", "/tmp/notes/../../etc/passwd", false}, // .. normalised lexically
		{"/etc/**", "/tmp/notes/../../etc/passwd", true},
		{"/**", "/../../x", true}, // "/.." is "/"
		{"${ROOT}/**", "${ROOT}/a/b", true},
		{"${ROOT}/**", "${ROOT}/../secret", false}, // climbs out of ROOT
		{"/**", "${ROOT}/../secret", true},         // only "/**" covers an escape
		{"${ROOT}/**", "/home/u/project/a", false}, // an absolute literal is not provably in ROOT
		{"${HOME}/.config/app/**", "~/.config/app/x.json", true},
		{"~/.config/app/**", "${HOME}/.config/app/x.json", true},
		{"${CWD}/data/**", "data/x.csv", true}, // relative literals resolve against CWD
		{"${CWD}/data/**", "./data/../data/x.csv", true},
		{"data/**", "data/x.csv", true},
		{"${TMP}/**", "/tmp/x", false}, // ${TMP} is not assumed to be /tmp
		{"/home/u/link/**", "/home/u/target/x", false},
		{"/tmp/notes/**", "/tmp/notes/", true},   // a prefix: everything under it is covered
		{"/tmp/notes/*", "/tmp/notes/", false},   // only one level would be
		{"/tmp/notes/*", "/tmp/notes/**", false}, // a prefix as the scope inference writes it
		{"/tmp/**", "/tmp/notes/**", true},
		{"/tmp/notes/**", "/tmp/notes/**", true},
		{"/tmp/notes/**", "/tmp/notes-", false},
		{"*", "/anything", true},
		{"C:/Users/u/notes/**", "c:/Users/u/notes/a.md", true}, // Windows drive paths, slash-separated
		{"C:/Users/u/notes/**", "D:/Users/u/notes/a.md", false},
		{"/Users/**", "C:/Users/x", false},
		{"/a/**/**/**/**/**/**/**/**/**/b", "/a/b", false}, // over the ** limit: no match, no hang
	}
	for _, tc := range tests {
		if got := MatchPath(tc.grant, tc.lit); got != tc.want {
			t.Errorf("MatchPath(%q, %q) = %v, want %v", tc.grant, tc.lit, got, tc.want)
		}
	}
}

func TestMatchEnvProgramLibrary(t *testing.T) {
	tests := []struct {
		kind       capability.ScopeKind
		grant, lit string
		want       bool
	}{
		{capability.ScopeEnv, "GITHUB_TOKEN", "GITHUB_TOKEN", true},
		{capability.ScopeEnv, "GITHUB_TOKEN", "github_token", false}, // case-sensitive
		{capability.ScopeEnv, "GITHUB_*", "GITHUB_TOKEN", true},
		{capability.ScopeEnv, "GITHUB_*", "GITLAB_TOKEN", false},
		{capability.ScopeEnv, "GITHUB_*", "GITHUB_API_*", true}, // prefix literal inside the grant
		{capability.ScopeEnv, "GITHUB_API_*", "GITHUB_*", false},
		{capability.ScopeProgram, "git", "git", true},
		{capability.ScopeProgram, "git", "/usr/bin/git", true},
		{capability.ScopeProgram, "git", "git.exe", true},
		{capability.ScopeProgram, "git", "gitk", false},
		{capability.ScopeProgram, "/usr/bin/git", "/usr/bin/git", true},
		{capability.ScopeProgram, "/usr/bin/git", "git", false}, // PATH lookup may find another git
		{capability.ScopeProgram, "/usr/bin/git", "/usr/local/bin/git", false},
		{capability.ScopeLibrary, "libc.so.6", "libc.so.6", true},
		{capability.ScopeLibrary, "libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6", true},
		{capability.ScopeLibrary, "/opt/lib/**", "/opt/lib/x/libz.so", true},
		{capability.ScopeLibrary, "/opt/lib/**", "libz.so", false},
		{capability.ScopeNone, "*", "", true},
		{capability.ScopeNone, "x", "x", false},
	}
	for _, tc := range tests {
		if got := Match(tc.kind, tc.grant, tc.lit); got != tc.want {
			t.Errorf("Match(%s, %q, %q) = %v, want %v", tc.kind, tc.grant, tc.lit, got, tc.want)
		}
	}
}

func TestValidateScope(t *testing.T) {
	tests := []struct {
		kind  capability.ScopeKind
		scope string
		ok    bool
	}{
		{capability.ScopeHost, "api.github.com", true},
		{capability.ScopeHost, "*.github.com", true},
		{capability.ScopeHost, "api.github.com:443", true},
		{capability.ScopeHost, "[::1]:8080", true},
		{capability.ScopeHost, "10.0.0.1", true},
		{capability.ScopeHost, "https://api.github.com/x", false},
		{capability.ScopeHost, "api.*.com", false},
		{capability.ScopeHost, "api.github.com:99999", false},
		{capability.ScopeHost, "api.github.com:", false},
		{capability.ScopeHost, "::1", true}, // a bare IPv6 address is unambiguous without a port
		{capability.ScopeHost, "::1:8080:x", false},
		{capability.ScopeHost, "a..b", false},
		{capability.ScopeHost, "a b", false},
		{capability.ScopeHost, "", false},
		{capability.ScopePort, "3000", true},
		{capability.ScopePort, ":3000", true},
		{capability.ScopePort, "127.0.0.1:3000", true},
		{capability.ScopePort, "[::1]:3000", true},
		{capability.ScopePort, "127.0.0.1", false},
		{capability.ScopePort, "0", false},
		{capability.ScopePath, "/tmp/**", true},
		{capability.ScopePath, "${ROOT}/**", true},
		{capability.ScopePath, "${ROOT}", true},
		{capability.ScopePath, "~/.config/*.json", true},
		{capability.ScopePath, "${NOPE}/x", false},
		{capability.ScopePath, "/a/${ROOT}", false},
		{capability.ScopePath, "/a/b**", false},
		{capability.ScopePath, "/a/[", false},
		{capability.ScopePath, `C:\x`, false},
		{capability.ScopePath, "C:/Users/**", true},
		{capability.ScopeEnv, "GITHUB_TOKEN", true},
		{capability.ScopeEnv, "GITHUB_*", true},
		{capability.ScopeEnv, "GIT*HUB", false},
		{capability.ScopeEnv, "1ABC", false},
		{capability.ScopeEnv, "A-B", false},
		{capability.ScopeProgram, "git", true},
		{capability.ScopeProgram, "/usr/bin/git", true},
		{capability.ScopeProgram, "git status", false},
		{capability.ScopeProgram, "g*", false},
		{capability.ScopeNone, "*", true},
		{capability.ScopeNone, "anything", false},
		{capability.ScopePath, " /x", false},
	}
	for _, tc := range tests {
		err := ValidateScope(tc.kind, tc.scope)
		if (err == nil) != tc.ok {
			t.Errorf("ValidateScope(%s, %q) = %v, want ok=%v", tc.kind, tc.scope, err, tc.ok)
		}
	}
}

func TestNormalizePath(t *testing.T) {
	tests := map[string]string{
		"/a/./b/../c":  "/a/c",
		"~/x":          "${HOME}/x",
		"~":            "${HOME}",
		"rel/x":        "${CWD}/rel/x",
		"${ROOT}//a/":  "${ROOT}/a",
		"/a/**/**/b":   "/a/**/b",
		"/../../etc":   "/etc",
		"${TMP}/a/../": "${TMP}",
		"c:/a/../../b": "C:/b",
	}
	for in, want := range tests {
		if got := NormalizePath(in); got != want {
			t.Errorf("NormalizePath(%q) = %q, want %q", in, got, want)
		}
	}
}

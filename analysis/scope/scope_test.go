package scope

import (
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

func lit(v string) *facts.Arg    { return &facts.Arg{Value: v, Known: true} }
func prefix(v string) *facts.Arg { return &facts.Arg{Value: v, Known: true, Prefix: true} }
func num(n string) *facts.Arg    { return &facts.Arg{Number: n} }
func unknown() *facts.Arg        { return &facts.Arg{} }
func list(vs ...*facts.Arg) *facts.Arg {
	a := &facts.Arg{}
	for _, v := range vs {
		a.Elems = append(a.Elems, *v)
	}
	return a
}

func TestInfer(t *testing.T) {
	tests := []struct {
		kind string
		arg  *facts.Arg
		want string // "" means ok == false
	}{
		// url
		{"url", lit("https://api.github.com/repos/x"), "api.github.com"},
		{"url", lit("HTTPS://API.Example.COM:443/v1"), "api.example.com"},
		{"url", lit("http://example.com:80"), "example.com"},
		{"url", lit("http://example.com:8080/x"), "example.com:8080"},
		{"url", lit("https://example.com:80/"), "example.com:80"},
		{"url", lit("https://user:pw@host.example.com/x"), "host.example.com"},
		{"url", lit("https://a@b@evil.example/"), "evil.example"},
		{"url", lit("http://[::1]:3000/mcp"), "[::1]:3000"},
		{"url", lit("http://[2001:DB8::1]/"), "[2001:db8::1]"},
		{"url", lit("http://[::1/"), ""},
		{"url", lit("https://example.com./x"), "example.com"},
		{"url", lit("https://example.com?q=1"), "example.com"},
		{"url", lit("https://example.com#frag"), "example.com"},
		{"url", lit("wss://stream.example.com/ws"), "stream.example.com"},
		{"url", lit("postgres://u:p@db.internal:5432/app"), "db.internal"},
		{"url", lit("postgresql+asyncpg://db.internal:6543/app"), "db.internal:6543"},
		{"url", lit("redis://cache:6380/0"), "cache:6380"},
		{"url", lit("mongodb+srv://cluster0.abc.mongodb.net/db"), "cluster0.abc.mongodb.net"},
		{"url", lit("mongodb://h1:27017,h2:27017/db"), ""},
		{"url", lit("file:///etc/passwd"), ""},
		{"url", lit("sqlite:///data.db"), ""},
		{"url", lit("//cdn.example.com/x.js"), ""},
		{"url", lit("/api/v1/items"), ""},
		{"url", lit("api.example.com/v1"), ""},
		{"url", lit("http://"), ""},
		{"url", lit("http://exa mple.com/"), ""},
		{"url", lit("http://example.com:99999/"), ""},
		{"url", lit("http://example.com:abc/"), ""},
		{"url", lit("1http://x/"), ""},
		{"url", prefix("https://api.example.com/v1/"), "api.example.com"},
		{"url", prefix("https://api.example.com:8443?x="), "api.example.com:8443"},
		{"url", prefix("https://api."), ""},
		{"url", prefix("https://api.example.com"), ""},
		{"url", prefix("https://api.example.com:"), ""},
		{"url", unknown(), ""},
		{"url", nil, ""},
		// host, hostport
		{"host", lit("DB.Internal."), "db.internal"},
		{"host", lit("db.internal:5432"), "db.internal:5432"},
		{"host", lit("::1"), "[::1]"},
		{"host", lit("[::1]:22"), "[::1]:22"},
		{"host", lit("https://x.example.com/y"), "x.example.com"},
		{"host", lit("bad/host"), ""},
		{"host", lit(""), ""},
		{"host", prefix("db."), ""},
		{"hostport", lit("127.0.0.1:6379"), "127.0.0.1:6379"},
		{"host", list(lit("example.com"), num("443")), "example.com:443"},
		{"host", list(lit("::1"), num("8080")), "[::1]:8080"},
		{"host", list(lit("example.com"), unknown()), "example.com"},
		{"host", list(unknown(), num("80")), ""},
		// port, addr
		{"port", num("3000"), "3000"},
		{"port", num("0x1F90"), "8080"},
		{"port", num("70000"), ""},
		{"port", lit("3000"), "3000"},
		{"port", lit(":8080"), "8080"},
		{"addr", lit(":8080"), "8080"},
		{"addr", lit("127.0.0.1:3000"), "127.0.0.1:3000"},
		{"addr", lit("localhost:3000"), "localhost:3000"},
		{"addr", lit("[::]:443"), "[::]:443"},
		{"addr", lit("localhost"), ""},
		{"addr", lit(":http"), ""},
		{"addr", prefix(":80"), ""},
		{"port", &facts.Arg{Props: map[string]facts.Arg{"port": *num("3000"), "host": *lit("127.0.0.1")}}, "127.0.0.1:3000"},
		{"port", &facts.Arg{Props: map[string]facts.Arg{"port": *num("3000")}}, "3000"},
		{"port", &facts.Arg{Props: map[string]facts.Arg{"port": *num("3000"), "host": *unknown()}}, ""},
		{"port", list(lit(""), num("8000")), "8000"},
		{"port", list(lit("0.0.0.0"), num("8000")), "0.0.0.0:8000"},
		{"port", unknown(), ""},
		// path
		{"path", lit("/etc/passwd"), "/etc/passwd"},
		{"path", lit("/var/log/../lib/./x"), "/var/lib/x"},
		{"path", lit("data/out.json"), "data/out.json"},
		{"path", lit("./data//out.json"), "data/out.json"},
		{"path", lit("."), "."},
		{"path", lit("~"), "${HOME}"},
		{"path", lit("~/.ssh/id_rsa"), "${HOME}/.ssh/id_rsa"},
		{"path", lit("~other/x"), "~other/x"},
		{"path", lit(`C:\Users\me\file.txt`), "C:/Users/me/file.txt"},
		{"path", lit(`\\server\share\x`), "//server/share/x"},
		{"path", lit("file:///etc/hosts"), "/etc/hosts"},
		{"path", lit("file://localhost/tmp/x"), "/tmp/x"},
		{"path", lit("file:///C:/x/y"), "C:/x/y"},
		{"path", lit("file://remote/x"), ""},
		{"path", lit(""), ""},
		{"path", lit("a\x00b"), ""},
		{"path", prefix("/data/files/"), "/data/files/**"},
		{"path", prefix("/data/fi"), "/data/**"},
		{"path", prefix("/x"), "/**"},
		{"path", prefix("out/"), "out/**"},
		{"path", prefix("~/"), "${HOME}/**"},
		{"path", prefix("name-"), ""},
		{"path", unknown(), ""},
		// dir, prefix
		{"dir", lit("/srv/repos"), "/srv/repos/**"},
		{"dir", lit("/srv/repos/"), "/srv/repos/**"},
		{"dir", lit("~"), "${HOME}/**"},
		{"dir", lit(""), ""},
		{"prefix", lit("/tmp/app-"), "/tmp/**"},
		{"prefix", lit("app-"), ""},
		// command
		{"command", lit("git status --short"), "git"},
		{"command", lit("  ls -la"), "ls"},
		{"command", lit("/usr/bin/python3 -c 'x'"), "/usr/bin/python3"},
		{"command", lit(`"/Applications/My App/run" --x`), "/Applications/My App/run"},
		{"command", lit("FOO=1 BAR=2 make test"), "make"},
		{"command", lit("ls|wc -l"), "ls"},
		{"command", lit(`"unterminated`), ""},
		{"command", lit(""), ""},
		{"command", prefix("git "), "git"},
		{"command", prefix("git"), ""},
		{"command", list(lit("docker"), lit("ps")), "docker"},
		{"command", list(unknown(), lit("ps")), ""},
		// program
		{"program", lit("git"), "git"},
		{"program", lit(" 'npx' "), "npx"},
		{"program", list(lit("uvx"), lit("tool")), "uvx"},
		{"program", prefix("/opt/"), ""},
		{"program", lit("a\nb"), ""},
		// env
		{"env", lit("GITHUB_TOKEN"), "GITHUB_TOKEN"},
		{"env", prefix("APP_"), "APP_*"},
		{"env", lit("A B"), ""},
		{"env", lit(""), ""},
		// library, code, unknown kinds
		{"library", lit("./build/Release/addon.node"), "./build/Release/addon.node"},
		{"library", prefix("/usr/lib/"), ""},
		{"code", lit("1+1"), ""},
		{"nonsense", lit("x"), ""},
	}
	for _, tt := range tests {
		got, ok := Infer(tt.kind, tt.arg)
		if tt.want == "" {
			if ok {
				t.Errorf("Infer(%s, %+v) = %q, want no scope", tt.kind, tt.arg, got)
			}
			continue
		}
		if !ok || got != tt.want {
			t.Errorf("Infer(%s, %+v) = %q, %v; want %q", tt.kind, tt.arg, got, ok, tt.want)
		}
	}
}

func TestKnownKind(t *testing.T) {
	for _, k := range Kinds {
		if !KnownKind(k) {
			t.Errorf("KnownKind(%q) = false", k)
		}
	}
	if KnownKind("URL") || KnownKind("") {
		t.Error("KnownKind accepts an unknown kind")
	}
}

// FuzzInfer checks that no input makes Infer panic and that a scope, when
// given, is never empty.
func FuzzInfer(f *testing.F) {
	for _, s := range []string{"https://[::1]:80/", "file:///C:/x", "~/", `"a b" c`, ":0", "a:b:c", "[", "http://@/"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, v string, pre bool) {
		for _, k := range Kinds {
			a := &facts.Arg{Value: v, Known: true, Prefix: pre, Number: v}
			if s, ok := Infer(k, a); ok && s == "" {
				t.Fatalf("Infer(%s, %q) gave an empty scope", k, v)
			}
		}
	})
}

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
		want string // "" means not Known; "UNKNOWN", "DYNAMIC" that state
		per  map[Family]string
	}{
		// url
		{"url", lit("https://api.github.com/repos/x"), "api.github.com", nil},
		{"url", lit("HTTPS://API.Example.COM:443/v1"), "api.example.com", nil},
		{"url", lit("http://example.com:80"), "example.com", nil},
		{"url", lit("http://example.com:8080/x"), "example.com:8080", nil},
		{"url", lit("https://example.com:80/"), "example.com:80", nil},
		{"url", lit("https://user:pw@host.example.com/x"), "host.example.com", nil},
		{"url", lit("https://a@b@evil.example/"), "evil.example", nil},
		{"url", lit("http://[::1]:3000/mcp"), "[::1]:3000", nil},
		{"url", lit("http://[2001:DB8::1]/"), "[2001:db8::1]", nil},
		{"url", lit("http://[::1/"), "", nil},
		{"url", lit("https://example.com./x"), "example.com", nil},
		{"url", lit("https://example.com?q=1"), "example.com", nil},
		{"url", lit("https://example.com#frag"), "example.com", nil},
		{"url", lit("wss://stream.example.com/ws"), "stream.example.com", nil},
		{"url", lit("postgres://u:p@db.internal:5432/app"), "db.internal", nil},
		{"url", lit("postgresql+asyncpg://db.internal:6543/app"), "db.internal:6543", nil},
		{"url", lit("redis://cache:6380/0"), "cache:6380", nil},
		{"url", lit("mongodb+srv://cluster0.abc.mongodb.net/db"), "cluster0.abc.mongodb.net", nil},
		{"url", lit("mongodb://h1:27017,h2:27017/db"), "", nil},
		{"url", lit("file:///etc/passwd"), "", nil},
		{"url", lit("sqlite:///data.db"), "", nil},
		{"url", lit("//cdn.example.com/x.js"), "", nil},
		{"url", lit("/api/v1/items"), "", nil},
		{"url", lit("api.example.com/v1"), "", nil},
		{"url", lit("http://"), "", nil},
		{"url", lit("http://exa mple.com/"), "", nil},
		{"url", lit("http://example.com:99999/"), "", nil},
		{"url", lit("http://example.com:abc/"), "", nil},
		{"url", lit("1http://x/"), "", nil},
		{"url", prefix("https://api.example.com/v1/"), "api.example.com", nil},
		{"url", prefix("https://api.example.com:8443?x="), "api.example.com:8443", nil},
		{"url", prefix("https://api."), "", nil},
		{"url", prefix("https://api.example.com"), "", nil},
		{"url", prefix("https://api.example.com:"), "", nil},
		{"url", unknown(), "", nil},
		{"url", nil, "", nil},
		// Issue 14 item 5: the host the runtime connects to, never a narrower one.
		{"url", lit(`https://evil.com\\@api.github.com/x`), "evil.com", map[Family]string{Python: "UNKNOWN", Go: "UNKNOWN"}},
		{"url", lit(`https://evil.com\\@api.github.com:443/x`), "evil.com", map[Family]string{Python: "UNKNOWN", Go: "UNKNOWN"}},
		{"url", prefix(`https://evil.com\\@api.github.com:8443/v1/`), "evil.com", map[Family]string{Python: "UNKNOWN", Go: "UNKNOWN"}},
		{"url", lit(`https:\\\\evil.com/x`), "evil.com", map[Family]string{Python: "UNKNOWN", Go: "UNKNOWN"}},
		{"url", lit(`https:evil.com/x`), "evil.com", map[Family]string{Python: "UNKNOWN", Go: "UNKNOWN"}},
		{"url", lit(`https:///evil.com/x`), "evil.com", map[Family]string{Python: "UNKNOWN", Go: "UNKNOWN"}},
		{"url", lit("https://evil.com\t/x"), "evil.com", map[Family]string{Go: "UNKNOWN"}},
		{"url", lit("  https://EVIL.com/x "), "evil.com", map[Family]string{Go: "UNKNOWN"}},
		{"url", lit("http://0x7f.1/"), "127.0.0.1", map[Family]string{Python: "0x7f.1", Go: "0x7f.1"}},
		{"url", lit("http://2130706433/"), "127.0.0.1", map[Family]string{Python: "2130706433", Go: "2130706433"}},
		{"url", lit("http://0177.0.0.1/"), "127.0.0.1", map[Family]string{Python: "0177.0.0.1", Go: "0177.0.0.1"}},
		{"url", lit("http://1.2.3.4.5/"), "UNKNOWN", map[Family]string{Python: "1.2.3.4.5", Go: "1.2.3.4.5"}},
		{"url", lit("http://ev%69l.com/"), "evil.com", map[Family]string{Python: "UNKNOWN", Go: "UNKNOWN"}},
		{"url", lit("http://xn--nxasmq6b.com/"), "UNKNOWN", map[Family]string{Python: "xn--nxasmq6b.com", Go: "xn--nxasmq6b.com"}},
		{"url", lit("http://bücher.de/"), "UNKNOWN", nil},
		{"url", lit("https:"), "UNKNOWN", nil},
		{"url", lit("https://user@/x"), "UNKNOWN", nil},
		{"url", lit(`redis://evil.com\\@db.internal/`), "UNKNOWN", nil},
		{"url", lit("file:///etc/passwd"), "UNKNOWN", nil},
		{"url", lit("/api/v1/items"), "DYNAMIC", nil},
		{"url", prefix("https:"), "DYNAMIC", nil},
		{"url", prefix("https:/"), "DYNAMIC", nil},
		{"url", prefix("https://api.github.com"), "DYNAMIC", nil},
		// Issue 14 item 6: ".." out of ${HOME} or the working directory.
		{"path", lit("~/../../etc/shadow"), "UNKNOWN", nil},
		{"path", lit("~/.."), "UNKNOWN", map[Family]string{JS: ".", Go: "."}},
		{"path", lit("~/a/../../b"), "UNKNOWN", map[Family]string{JS: "b", Go: "b"}},
		{"path", lit("~/a/../b"), "${HOME}/b", map[Family]string{JS: "${CWD}/~/b", Go: "${CWD}/~/b"}},
		{"path", lit("../../etc/shadow"), "UNKNOWN", nil},
		{"path", lit("a/../../x"), "UNKNOWN", nil},
		{"path", prefix("~/../"), "UNKNOWN", map[Family]string{JS: "**", Go: "**"}},
		{"path", prefix("../logs/"), "UNKNOWN", nil},
		{"path", lit("/a/../../etc/shadow"), "/etc/shadow", nil},
		{"path", lit(`..\\..\\secret`), "UNKNOWN", nil},
		{"path", lit(`a\\b`), `a\\b`, nil},
		{"path", lit("~root/.ssh/id_rsa"), "~root/.ssh/id_rsa", map[Family]string{Python: "UNKNOWN"}},
		// host, hostport
		{"host", lit("DB.Internal."), "db.internal", nil},
		{"host", lit("db.internal:5432"), "db.internal:5432", nil},
		{"host", lit("::1"), "[::1]", nil},
		{"host", lit("[::1]:22"), "[::1]:22", nil},
		{"host", lit("https://x.example.com/y"), "x.example.com", nil},
		{"host", lit("bad/host"), "", nil},
		{"host", lit(""), "", nil},
		{"host", prefix("db."), "", nil},
		{"hostport", lit("127.0.0.1:6379"), "127.0.0.1:6379", nil},
		{"host", list(lit("example.com"), num("443")), "example.com:443", nil},
		{"host", list(lit("::1"), num("8080")), "[::1]:8080", nil},
		{"host", list(lit("example.com"), unknown()), "example.com", nil},
		{"host", list(unknown(), num("80")), "", nil},
		// port, addr
		{"port", num("3000"), "3000", nil},
		{"port", num("0x1F90"), "8080", nil},
		{"port", num("70000"), "", nil},
		{"port", lit("3000"), "3000", nil},
		{"port", lit(":8080"), "8080", nil},
		{"addr", lit(":8080"), "8080", nil},
		{"addr", lit("127.0.0.1:3000"), "127.0.0.1:3000", nil},
		{"addr", lit("localhost:3000"), "localhost:3000", nil},
		{"addr", lit("[::]:443"), "[::]:443", nil},
		{"addr", lit("localhost"), "", nil},
		{"addr", lit(":http"), "", nil},
		{"addr", prefix(":80"), "", nil},
		{"port", &facts.Arg{Props: map[string]facts.Arg{"port": *num("3000"), "host": *lit("127.0.0.1")}}, "127.0.0.1:3000", nil},
		{"port", &facts.Arg{Props: map[string]facts.Arg{"port": *num("3000")}}, "3000", nil},
		{"port", &facts.Arg{Props: map[string]facts.Arg{"port": *num("3000"), "host": *unknown()}}, "", nil},
		{"port", list(lit(""), num("8000")), "8000", nil},
		{"port", list(lit("0.0.0.0"), num("8000")), "0.0.0.0:8000", nil},
		{"port", unknown(), "", nil},
		// path
		{"path", lit("/etc/passwd"), "/etc/passwd", nil},
		{"path", lit("/var/log/../lib/./x"), "/var/lib/x", nil},
		{"path", lit("data/out.json"), "data/out.json", nil},
		{"path", lit("./data//out.json"), "data/out.json", nil},
		{"path", lit("."), ".", nil},
		{"path", lit("~"), "${HOME}", map[Family]string{JS: "${CWD}/~", Go: "${CWD}/~"}},
		{"path", lit("~/.ssh/id_rsa"), "${HOME}/.ssh/id_rsa", map[Family]string{JS: "${CWD}/~/.ssh/id_rsa", Go: "${CWD}/~/.ssh/id_rsa"}},
		{"path", lit("~other/x"), "~other/x", map[Family]string{Python: "UNKNOWN"}},
		{"path", lit(`C:\Users\me\file.txt`), "C:/Users/me/file.txt", nil},
		{"path", lit(`\\server\share\x`), "//server/share/x", nil},
		{"path", lit("file:///etc/hosts"), "/etc/hosts", nil},
		{"path", lit("file://localhost/tmp/x"), "/tmp/x", nil},
		{"path", lit("file:///C:/x/y"), "C:/x/y", nil},
		{"path", lit("file://remote/x"), "", nil},
		{"path", lit(""), "", nil},
		{"path", lit("a\x00b"), "", nil},
		{"path", prefix("/data/files/"), "/data/files/**", nil},
		{"path", prefix("/data/fi"), "/data/**", nil},
		{"path", prefix("/x"), "/**", nil},
		{"path", prefix("out/"), "out/**", nil},
		{"path", prefix("~/"), "${HOME}/**", map[Family]string{JS: "${CWD}/~/**", Go: "${CWD}/~/**"}},
		{"path", prefix("name-"), "", nil},
		{"path", unknown(), "", nil},
		// dir, prefix
		{"dir", lit("/srv/repos"), "/srv/repos/**", nil},
		{"dir", lit("/srv/repos/"), "/srv/repos/**", nil},
		{"dir", lit("~"), "${HOME}/**", map[Family]string{JS: "${CWD}/~/**", Go: "${CWD}/~/**"}},
		{"dir", lit(""), "", nil},
		{"prefix", lit("/tmp/app-"), "/tmp/**", nil},
		{"prefix", lit("app-"), "", nil},
		// command
		{"command", lit("git status --short"), "git", nil},
		{"command", lit("  ls -la"), "ls", nil},
		{"command", lit("/usr/bin/python3 -c 'x'"), "/usr/bin/python3", nil},
		{"command", lit(`"/Applications/My App/run" --x`), "/Applications/My App/run", nil},
		{"command", lit("FOO=1 BAR=2 make test"), "make", nil},
		{"command", lit("ls|wc -l"), "ls", nil},
		{"command", lit(`"unterminated`), "", nil},
		{"command", lit(""), "", nil},
		{"command", prefix("git "), "git", nil},
		{"command", prefix("git"), "", nil},
		{"command", list(lit("docker"), lit("ps")), "docker", nil},
		{"command", list(unknown(), lit("ps")), "", nil},
		// program
		{"program", lit("git"), "git", nil},
		{"program", lit(" 'npx' "), "npx", nil},
		{"program", list(lit("uvx"), lit("tool")), "uvx", nil},
		{"program", prefix("/opt/"), "", nil},
		{"program", lit("a\nb"), "", nil},
		// lookup: PATH's directories, never the working directory
		{"lookup", lit("docker"), "/**/docker", nil},
		{"lookup", lit("./bin/tool"), "bin/tool", nil},
		{"lookup", lit("/usr/bin/git"), "/usr/bin/git", nil},
		{"lookup", lit("*"), "", nil},
		{"lookup", lit(".."), "", nil},
		{"lookup", prefix("gi"), "", nil},
		{"lookup", unknown(), "", nil},
		// env
		{"env", lit("GITHUB_TOKEN"), "GITHUB_TOKEN", nil},
		{"env", prefix("APP_"), "APP_*", nil},
		{"env", lit("A B"), "", nil},
		{"env", lit(""), "", nil},
		// library, code, unknown kinds
		{"library", lit("./build/Release/addon.node"), "./build/Release/addon.node", nil},
		{"library", prefix("/usr/lib/"), "", nil},
		{"code", lit("1+1"), "", nil},
		{"nonsense", lit("x"), "", nil},
	}
	for _, tt := range tests {
		for _, fam := range []Family{JS, Python, Go} {
			got := Infer(fam, tt.kind, tt.arg)
			want := tt.want
			if w, ok := tt.per[fam]; ok {
				want = w
			}
			switch want {
			case "":
				if got.IsKnown() {
					t.Errorf("%s: Infer(%s, %+v) = %q, want no scope", fam, tt.kind, tt.arg, got.Value)
				}
			case "UNKNOWN", "DYNAMIC":
				st := Unknown
				if want == "DYNAMIC" {
					st = Dynamic
				}
				if got.State != st {
					t.Errorf("%s: Infer(%s, %+v) = %+v, want %s", fam, tt.kind, tt.arg, got, want)
				}
			default:
				if !got.IsKnown() || got.Value != want {
					t.Errorf("%s: Infer(%s, %+v) = %+v; want %q", fam, tt.kind, tt.arg, got, want)
				}
			}
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
			for _, fam := range []Family{JS, Python, Go} {
				s := Infer(fam, k, a)
				if s.State == Known && s.Value == "" {
					t.Fatalf("Infer(%s, %s, %q) gave an empty Known scope", fam, k, v)
				}
				if s.State == Unknown && s.Why == "" {
					t.Fatalf("Infer(%s, %s, %q) is Unknown without a reason", fam, k, v)
				}
			}
		}
	})
}

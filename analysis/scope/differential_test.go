package scope

// Differential tests: the scope inferred for a URL or path literal is
// compared with what the real runtimes on this machine make of it (Node's
// WHATWG URL and path.posix, Python's urllib.parse and posixpath, Go's
// net/url and path/filepath). The property, for every input:
//
//   - Known: the runtime parses the literal and connects to (opens) exactly
//     that host and port (path);
//   - Dynamic: the runtime cannot use the literal alone (a relative URL);
//   - Unknown: always allowed, it only asks for a "*" grant.
//
// A long-running helper per runtime reads JSON lines on stdin, so the fuzz
// targets run thousands of inputs a second.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

const (
	diffHome = "/h1/h2/h3"
	diffCWD  = "/c1/c2/c3"
)

const nodeHelper = `
const path = require('path');
const rl = require('readline').createInterface({input: process.stdin});
const out = [];
rl.on('line', l => {
  const q = JSON.parse(l);
  let r;
  if (q.k === 'url') {
    try { const u = new URL(q.v); r = {ok: true, scheme: u.protocol.slice(0, -1), host: u.hostname, port: u.port}; }
    catch (e) { r = {ok: false}; }
  } else {
    r = {ok: true, path: path.posix.resolve(q.cwd, q.v)};
  }
  process.stdout.write(JSON.stringify(r) + '\n');
});
`

const pythonHelper = `
import sys, json, posixpath
from urllib.parse import urlsplit
for line in sys.stdin:
    q = json.loads(line)
    if q['k'] == 'url':
        try:
            u = urlsplit(q['v'])
            h, p = u.hostname, u.port
            r = {'ok': True, 'scheme': u.scheme, 'host': h or '', 'port': '' if p is None else str(p)}
        except ValueError:
            r = {'ok': False}
    else:
        r = {'ok': True, 'path': posixpath.normpath(posixpath.join(q['cwd'], posixpath.expanduser(q['v'])))}
    sys.stdout.write(json.dumps(r) + '\n')
    sys.stdout.flush()
`

type query struct {
	K   string `json:"k"`
	V   string `json:"v"`
	CWD string `json:"cwd,omitempty"`
}

type answer struct {
	OK     bool   `json:"ok"`
	Scheme string `json:"scheme"`
	Host   string `json:"host"`
	Port   string `json:"port"`
	Path   string `json:"path"`
}

type helper struct {
	mu  sync.Mutex
	in  io.WriteCloser
	out *bufio.Reader
}

func (h *helper) ask(q query) (answer, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	b, err := json.Marshal(q)
	if err != nil {
		return answer{}, err
	}
	if _, err := h.in.Write(append(b, '\n')); err != nil {
		return answer{}, err
	}
	line, err := h.out.ReadBytes('\n')
	if err != nil {
		return answer{}, err
	}
	var a answer
	return a, json.Unmarshal(line, &a)
}

// helperStderr keeps what the helpers say on stderr, for a failing test.
var helperStderr lockedBuffer

type lockedBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.b) < 1<<16 {
		l.b = append(l.b, p...)
	}
	return len(p), nil
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.b)
}

var (
	helpersOnce sync.Once
	helpers     map[Family]*helper
	helpersErr  error
)

// runtimes starts (once per process) the node and python3 helpers; the
// test skips without them, except under CI=true where it fails.
func runtimes(tb testing.TB) map[Family]*helper {
	helpersOnce.Do(func() {
		helpers = map[Family]*helper{}
		for fam, argv := range map[Family][]string{
			JS:     {"node", "-e", nodeHelper},
			Python: {"python3", "-c", pythonHelper},
		} {
			bin, err := exec.LookPath(argv[0])
			if err != nil {
				helpersErr = fmt.Errorf("%s not found: %w", argv[0], err)
				return
			}
			cmd := exec.Command(bin, argv[1:]...)
			cmd.Env = append(os.Environ(), "HOME="+diffHome)
			in, err := cmd.StdinPipe()
			if err != nil {
				helpersErr = err
				return
			}
			out, err := cmd.StdoutPipe()
			if err != nil {
				helpersErr = err
				return
			}
			// Kept aside and shown with a helper's failure, rather than mixed
			// into the fuzz worker's own output.
			cmd.Stderr = &helperStderr
			if err := cmd.Start(); err != nil {
				helpersErr = err
				return
			}
			// The helpers end when the test binary closes their stdin on exit.
			helpers[fam] = &helper{in: in, out: bufio.NewReader(out)}
		}
	})
	if helpersErr != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("differential scope tests need node and python3: %v", helpersErr)
		}
		tb.Skipf("differential scope tests need node and python3: %v", helpersErr)
	}
	return helpers
}

// runtimeURL is what a runtime makes of a URL.
func runtimeURL(tb testing.TB, h map[Family]*helper, fam Family, v string) answer {
	if fam == Go {
		u, err := url.Parse(v)
		if err != nil {
			return answer{}
		}
		return answer{OK: true, Scheme: u.Scheme, Host: u.Hostname(), Port: u.Port()}
	}
	a, err := h[fam].ask(query{K: "url", V: v})
	if err != nil {
		tb.Fatalf("%s helper: %v\n%s", fam, err, helperStderr.String())
	}
	return a
}

// checkURL returns what is wrong with inferring s for URL v in fam.
func checkURL(fam Family, v string, s Scope, rt answer) string {
	switch s.State {
	case Unknown:
		return ""
	case Dynamic:
		if rt.OK && rt.Scheme != "" && rt.Host != "" {
			return fmt.Sprintf("Dynamic, but the runtime connects to %q port %q", rt.Host, rt.Port)
		}
		return ""
	}
	if !rt.OK || rt.Host == "" || rt.Scheme == "" {
		return fmt.Sprintf("Known %q, but the runtime finds no host (%+v)", s.Value, rt)
	}
	host, port := s.Value, ""
	if strings.HasPrefix(host, "[") {
		j := strings.IndexByte(host, ']')
		host, port = host[1:j], strings.TrimPrefix(host[j+1:], ":")
	} else if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host, port = host[:i], host[i+1:]
	}
	rh := strings.TrimSuffix(strings.Trim(strings.ToLower(rt.Host), "[]"), ".")
	rp := rt.Port
	if n, err := strconv.Atoi(rp); err == nil {
		rp = strconv.Itoa(n)
	}
	if rp == defaultPorts[baseScheme(strings.ToLower(rt.Scheme))] {
		rp = ""
	}
	if port != rp {
		return fmt.Sprintf("Known %q, but the runtime connects to port %q of %q", s.Value, rt.Port, rt.Host)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if b, err := netip.ParseAddr(rh); err == nil && a == b {
			return ""
		}
	}
	if host != rh {
		return fmt.Sprintf("Known %q, but the runtime connects to %q", s.Value, rt.Host)
	}
	return ""
}

// prefixTails complete a prefix: a Known prefix scope must hold whatever
// follows.
var prefixTails = []string{"", "x", "@evil.example/", ":1/", "/y", `\@evil.example/`}

func diffURL(t *testing.T, h map[Family]*helper, v string, prefix bool) {
	a := &facts.Arg{Value: v, Known: true, Prefix: prefix}
	for _, fam := range []Family{JS, Python, Go} {
		s := Infer(fam, "url", a)
		if !prefix {
			if msg := checkURL(fam, v, s, runtimeURL(t, h, fam, v)); msg != "" {
				t.Errorf("%s url %q: %s", fam, v, msg)
			}
			continue
		}
		if s.State != Known {
			continue
		}
		for _, tail := range prefixTails {
			if msg := checkURL(fam, v+tail, s, runtimeURL(t, h, fam, v+tail)); msg != "" && !strings.Contains(msg, "finds no host") {
				t.Errorf("%s url prefix %q + %q: %s", fam, v, tail, msg)
			}
		}
	}
}

// runtimePath is where a runtime opens path p relative to diffCWD.
func runtimePath(tb testing.TB, h map[Family]*helper, fam Family, p string) string {
	if fam == Go {
		if filepath.IsAbs(p) {
			return filepath.Clean(p)
		}
		return filepath.Join(diffCWD, p)
	}
	a, err := h[fam].ask(query{K: "path", V: p, CWD: diffCWD})
	if err != nil {
		tb.Fatalf("%s helper: %v\n%s", fam, err, helperStderr.String())
	}
	return a.Path
}

// resolveScope turns a Known path scope into the absolute path it names.
func resolveScope(v string) string {
	switch {
	case v == "${HOME}" || strings.HasPrefix(v, "${HOME}/"):
		v = diffHome + v[len("${HOME}"):]
	case v == "${CWD}" || strings.HasPrefix(v, "${CWD}/"):
		v = diffCWD + v[len("${CWD}"):]
	case !strings.HasPrefix(v, "/"):
		v = diffCWD + "/" + v
	}
	return path.Clean(v)
}

// windowsOnly: literals the inference reads by Windows rules on purpose.
func windowsOnly(p string) bool {
	return isDrive(p) || strings.HasPrefix(p, `\\`) || strings.HasPrefix(p, "file:")
}

func diffPath(t *testing.T, h map[Family]*helper, p string, prefix bool) {
	if windowsOnly(p) || strings.ContainsRune(p, 0) {
		return
	}
	a := &facts.Arg{Value: p, Known: true, Prefix: prefix}
	for _, fam := range []Family{JS, Python, Go} {
		s := Infer(fam, "path", a)
		switch s.State {
		case Unknown:
			continue
		case Dynamic:
			if !prefix {
				t.Errorf("%s path %q: Dynamic for a complete literal", fam, p)
			}
			continue
		}
		if !prefix {
			if got, want := resolveScope(s.Value), path.Clean(runtimePath(t, h, fam, p)); got != want {
				t.Errorf("%s path %q: scope %q names %s, the runtime opens %s", fam, p, s.Value, got, want)
			}
			continue
		}
		var root string
		switch dir := strings.TrimSuffix(s.Value, "**"); dir {
		case "":
			root = diffCWD
		case "/":
			root = "/"
		default:
			root = resolveScope(strings.TrimSuffix(dir, "/"))
		}
		for _, tail := range []string{"x", "x/y"} {
			got := path.Clean(runtimePath(t, h, fam, p+tail))
			if got != root && !strings.HasPrefix(got, strings.TrimSuffix(root, "/")+"/") {
				t.Errorf("%s path prefix %q + %q: scope %q, the runtime opens %s", fam, p, tail, s.Value, got)
			}
		}
	}
}

var diffURLs = []string{
	"https://api.github.com/repos/x", "HTTPS://API.Example.COM:443/v1", "http://example.com:8080/x",
	`https://evil.com\@api.github.com/x`, `https://evil.com\@api.github.com:443/x`, `https:\\evil.com/x`,
	"https:evil.com/x", "https:///evil.com/x", "https:/evil.com", "  https://evil.com/x  ", "https://evil.com\t/x",
	"https://ev\nil.com/x", "http://0x7f.1/", "http://2130706433/", "http://0177.0.0.1/", "http://127.1/",
	"http://0x/", "http://1.2.3.4.5/", "http://256.0.0.1/", "http://1.2.3.256/", "http://1.2.65536/",
	"http://4294967295/", "http://4294967296/", "http://09/", "http://0x1g/", "http://1.2.3.4./",
	"http://ev%69l.com/", "http://ev%2Fil.com/", "http://a%00b/", "http://xn--nxasmq6b.com/", "http://bücher.de/",
	"https://user:pw@host.example.com/x", "https://a@b@evil.example/", "https://user@/x", "https://@h/",
	"http://[::1]:3000/mcp", "http://[2001:DB8::1]/", "http://[::ffff:1.2.3.4]/", "http://[::1%25eth0]/",
	"http://[::1/", "http://[::1]x/", "http://h:65535/", "http://h:65536/", "http://h:0080/", "http://h:/",
	"http://h:+80/", "http://h: 80/", "postgres://u:p@db.internal:5432/app", "redis://cache:6380/0",
	`redis://evil.com\@db.internal/`, "mongodb://h1:27017,h2:27017/db", "mongodb+srv://cluster0.abc.mongodb.net/db",
	"ws://x.example/", "wss://x.example:443/", "ftp://files.example:21/", "file:///etc/passwd", "data:text/plain,x",
	"//cdn.example.com/x.js", "/api/v1", "api.example.com/v1", "localhost:8080/x", "http://", "https:",
	"http://exa mple.com/", "http://example.com:99999/", "1http://x/", "http://a..b/", "http://./", "http://h#@evil/",
	"http://h?@evil/", "http://h/@evil/", "HTTP://EXAMPLE.com.", "http://[::]/", "http://[v1.x]/", "x-y://h/",
	"http://h:8080:9090/", "http://\x01h/", "\x01http://h/", "http://h\u3002com/", "http://EXAMPLE.%63om/",
	"http://a^b/", "http://a|b/", "http://a<b/", "http://a_b.example/", "http://*.example/",
}

var diffPaths = []string{
	"/etc/passwd", "/var/log/../lib/./x", "data/out.json", "./data//out.json", ".", "..", "~", "~/.ssh/id_rsa",
	"~/../../etc/shadow", "~/..", "~/a/../../b", "~/a/../b", "~other/x", "~root/.ssh/id_rsa", "../../etc/shadow",
	"a/../../x", "/a/../../etc/shadow", `..\..\secret`, `a\b`, "//x/y", "///x", "${HOME}/x", "${HOME}/../../x",
	"${ROOT}/x", "a/./b/", "/", "~/", "x/..", "x/../..", "~user", "a//b//../c", "/..", "/../etc",
}

var diffPrefixes = []string{"/data/files/", "/data/fi", "/x", "out/", "~/", "~/na", "~/../", "../logs/", "name-", "/", "~", "${HOME}/"}

// TestDifferential compares the inference with the runtimes on a table of
// tricky URLs and paths.
func TestDifferential(t *testing.T) {
	h := runtimes(t)
	for _, v := range diffURLs {
		diffURL(t, h, v, false)
		diffURL(t, h, v, true)
	}
	for _, p := range diffPaths {
		diffPath(t, h, p, false)
	}
	for _, p := range diffPrefixes {
		diffPath(t, h, p, true)
	}
	// The inference is not trivially Unknown: these name a host for every runtime.
	for _, v := range []string{"https://api.github.com/x", "http://[::1]:3000/", "postgres://u:p@db:6543/x", "http://h:0080/"} {
		for _, fam := range []Family{JS, Python, Go} {
			if s := Infer(fam, "url", &facts.Arg{Value: v, Known: true}); !s.IsKnown() {
				t.Errorf("%s url %q: %+v, want a host", fam, v, s)
			}
		}
	}
}

func FuzzURLDifferential(f *testing.F) {
	for _, v := range diffURLs {
		f.Add(v, false)
	}
	f.Add("https://api.example.com/", true)
	f.Fuzz(func(t *testing.T, v string, prefix bool) {
		if len(v) > 200 {
			return
		}
		h := runtimes(t)
		diffURL(t, h, strings.ToValidUTF8(v, "\uFFFD"), prefix)
	})
}

func FuzzPathDifferential(f *testing.F) {
	for _, p := range diffPaths {
		f.Add(p, false)
	}
	for _, p := range diffPrefixes {
		f.Add(p, true)
	}
	f.Fuzz(func(t *testing.T, p string, prefix bool) {
		if len(p) > 200 {
			return
		}
		h := runtimes(t)
		diffPath(t, h, strings.ToValidUTF8(p, "\uFFFD"), prefix)
	})
}

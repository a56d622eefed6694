// Package scope turns the literal argument of a sensitive call into the
// narrowest manifest scope that covers it (manifest.md): a URL becomes its
// host, a listen address its "[host:]port", a path the cleaned path (or a
// directory glob when only its start is known), a command line its program.
//
// Every function here is total: odd or malformed input gives ok == false,
// never a panic, so the caller falls back to "*" and says why.
package scope

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// Kinds are the scope kinds a rule may name (rules.ScopeArg.Kind).
var Kinds = []string{"url", "host", "hostport", "port", "addr", "path", "dir", "prefix", "command", "program", "lookup", "env", "code", "library"}

// KnownKind reports whether kind is one of Kinds.
func KnownKind(kind string) bool {
	for _, k := range Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// Family names the language whose runtime reads the literal: URLs and
// paths are parsed by that runtime's own rules (docs/security.md, "Scope inference").
type Family string

const (
	JS     Family = "js"     // WHATWG URL (Node's fetch, new URL, http.request); Node's path
	Python Family = "python" // urllib.parse.urlsplit; posixpath, os.path.expanduser
	Go     Family = "go"     // net/url; path/filepath
)

// State says what is known about a call's scope. The zero value is
// Unknown, so a scope nobody set can never read as "covered by any grant".
type State uint8

const (
	// Unknown: the argument is a literal, but what it names cannot be
	// stated by its runtime's rules (a URL whose host cannot be parsed, a
	// path that climbs out of ${HOME}). Only "*" covers it.
	Unknown State = iota
	// Known: Value is the scope.
	Known
	// Dynamic: the value is computed at run time (a parameter, a relative
	// URL resolved against a base set elsewhere, a prefix whose host is
	// not complete). Any grant of the capability covers it (manifest.md).
	Dynamic
)

// Scope is an inferred scope.
type Scope struct {
	State State
	Value string // Known: the scope, never ""
	Why   string // Unknown: why it cannot be inferred, for messages
}

func known(v string) Scope          { return Scope{State: Known, Value: v} }
func unknownScope(why string) Scope { return Scope{State: Unknown, Why: why} }

var dynamic = Scope{State: Dynamic}

// IsKnown reports whether s holds a scope.
func (s Scope) IsKnown() bool { return s.State == Known && s.Value != "" }

// Infer returns the manifest scope a literal argument of a call in
// language fam gives for a scope kind.
//
//	url       "https://API.example.com:443/v1" → "api.example.com", by the
//	          runtime's own URL parser (WHATWG for JS: backslashes, missing
//	          slashes, credentials, IPv4 number forms, percent-encoding;
//	          urllib.parse for Python; net/url for Go); a Prefix value only
//	          when its host part is complete; relative URLs are Dynamic; a
//	          URL with a scheme whose host cannot be stated is Unknown
//	host      "db.internal", "db:5432", "::1" → host[:port] ("[::1]")
//	hostport  same as host
//	port      3000, "3000", ":3000" → "3000"; "127.0.0.1:3000" kept; an
//	          object literal {host, port} gives "host:port"
//	addr      Go listen address, as port
//	          (host and port kinds also take a Python (host, port) tuple)
//	path      cleaned, relative kept relative; "~" → "${HOME}" in Python
//	          (pathlib's home(), expanduser), a plain name in JS and Go;
//	          ".." that climbs out of ${HOME} or the working directory is
//	          Unknown; file:// URLs → their path, Windows drive paths
//	          slash-separated; a Prefix value gives its directory + "/**"
//	dir       a directory the call creates files under: its path + "/**"
//	prefix    a file name prefix ("/tmp/app-" for mkdtemp): its directory + "/**"
//	command   a shell command line: its first word (after VAR=value
//	          assignments), quotes stripped, otherwise as written
//	          ("/usr/bin/git" stays a path); an argv list: its first element
//	program   argv[0] (an argv list's first element, or the whole string)
//	lookup    a program looked up in PATH (shutil.which, exec.LookPath): the
//	          files read are that name in each PATH directory, "/**/NAME";
//	          a name holding a separator is a path, as path gives it
//	env       the variable name; a Prefix "APP_" gives "APP_*"
//	library   the library path as written
//	code      nothing: code has no scope (Dynamic)
//
// A complete literal that gives no scope is Unknown; a value not known at
// all, or a prefix too short to decide, is Dynamic.
func Infer(fam Family, kind string, a *facts.Arg) Scope {
	if a == nil {
		return dynamic
	}
	var v string
	var ok bool
	switch kind {
	case "url":
		if !a.Known {
			return dynamic
		}
		return inferURL(fam, a.Value, a.Prefix)
	case "host", "hostport":
		if len(a.Elems) == 2 {
			v, ok = tuple(a)
			return literal(a.Elems[0].Known && !a.Elems[0].Prefix, v, ok, "the host is not a valid host name")
		}
		if !a.Known || a.Prefix {
			return dynamic
		}
		t := strings.TrimSpace(a.Value)
		if strings.Contains(t, "://") {
			return inferURL(fam, t, false)
		}
		v, ok = hostPort(t, "")
		return literal(true, v, ok, "not a valid host name")
	case "port", "addr":
		v, ok = inferPort(a)
		return literal(portLiteral(a), v, ok, "not a valid listen address")
	case "path":
		if !a.Known {
			return dynamic
		}
		return inferPath(fam, a.Value, a.Prefix)
	case "dir", "prefix":
		if !a.Known {
			return dynamic
		}
		t := a.Value
		if strings.TrimSpace(t) == "" {
			return unknownScope("an empty path")
		}
		if kind == "dir" && !a.Prefix {
			t = strings.TrimSuffix(t, "/") + "/"
		}
		return inferPath(fam, t, true)
	case "command":
		if len(a.Elems) > 0 {
			v, ok = inferProgram(&a.Elems[0])
			return literal(a.Elems[0].Known && !a.Elems[0].Prefix, v, ok, "not a program name")
		}
		if !a.Known {
			return dynamic
		}
		v, ok = firstWord(a.Value, a.Prefix)
		return literal(!a.Prefix, v, ok, "the command line names no program")
	case "program":
		e := a
		if len(a.Elems) > 0 {
			e = &a.Elems[0]
		}
		v, ok = inferProgram(e)
		return literal(e.Known && !e.Prefix, v, ok, "not a program name")
	case "lookup":
		if !a.Known || a.Prefix {
			return dynamic
		}
		t := strings.TrimSpace(a.Value)
		if strings.ContainsAny(t, "/\\") {
			return inferPath(fam, t, false)
		}
		// A bare name is never a file in the working directory: the lookup
		// stats it in PATH's directories, which the code does not name.
		ok = t != "" && t != "." && t != ".." && !strings.ContainsAny(t, "*?[]{}\x00\n\r\t")
		return literal(true, "/**/"+t, ok, "not a program name")
	case "env":
		if !a.Known {
			return dynamic
		}
		t := strings.TrimSpace(a.Value)
		if t == "" || strings.ContainsAny(t, " \t\n\x00=") {
			return literal(!a.Prefix, "", false, "not an environment variable name")
		}
		if a.Prefix {
			return known(t + "*")
		}
		return known(t)
	case "library":
		if !a.Known || a.Prefix {
			return dynamic
		}
		t := strings.TrimSpace(a.Value)
		if t == "" || strings.ContainsRune(t, 0) {
			return unknownScope("not a library path")
		}
		return known(t)
	case "code":
		return dynamic
	}
	return unknownScope("unknown scope kind " + kind)
}

// literal turns a (value, ok) inference into a Scope: a failure on a
// complete literal is Unknown, on anything else Dynamic.
func literal(complete bool, v string, ok bool, why string) Scope {
	switch {
	case ok && v != "":
		return known(v)
	case complete:
		return unknownScope(why)
	}
	return dynamic
}

// portLiteral reports whether a port argument is written out in full.
func portLiteral(a *facts.Arg) bool {
	switch {
	case len(a.Elems) == 2:
		return (a.Elems[0].Known && !a.Elems[0].Prefix) && (a.Elems[1].Number != "" || a.Elems[1].Known && !a.Elems[1].Prefix)
	case a.Props != nil:
		p, ok := a.Props["port"]
		if !ok || !(p.Number != "" || p.Known && !p.Prefix) {
			return false
		}
		for _, k := range []string{"host", "hostname"} {
			if h, ok := a.Props[k]; ok && !(h.Known && !h.Prefix) {
				return false
			}
		}
		return true
	}
	return a.Number != "" || a.Known && !a.Prefix
}

// defaultPorts are dropped from URL scopes: "https://h:443" is "h".
var defaultPorts = map[string]string{
	"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21", "ftps": "990",
	"ssh": "22", "sftp": "22", "git": "9418", "smtp": "25", "smtps": "465", "imap": "143", "imaps": "993",
	"ldap": "389", "ldaps": "636", "redis": "6379", "rediss": "6379", "postgres": "5432",
	"postgresql": "5432", "mysql": "3306", "mongodb": "27017", "amqp": "5672", "amqps": "5671",
	"nats": "4222", "mqtt": "1883", "mqtts": "8883",
}

// hostPort normalises "host", "host:port", "[v6]:port" or a bare IPv6
// address; a port equal to defPort is dropped.
func hostPort(s, defPort string) (string, bool) {
	var host, port string
	switch {
	case strings.HasPrefix(s, "["):
		j := strings.IndexByte(s, ']')
		if j < 0 {
			return "", false
		}
		host, port = s[1:j], s[j+1:]
		if port != "" {
			if port[0] != ':' {
				return "", false
			}
			port = port[1:]
		}
		if _, err := netip.ParseAddr(host); err != nil {
			return "", false
		}
		host = "[" + strings.ToLower(host) + "]"
	case strings.Count(s, ":") > 1:
		if _, err := netip.ParseAddr(s); err != nil {
			return "", false
		}
		host = "[" + strings.ToLower(s) + "]"
	default:
		host = s
		if j := strings.IndexByte(s, ':'); j >= 0 {
			host, port = s[:j], s[j+1:]
		}
		host = strings.TrimSuffix(strings.ToLower(host), ".")
		if !validHost(host) {
			return "", false
		}
	}
	if port != "" {
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil {
			return "", false
		}
		port = strconv.FormatUint(n, 10)
	}
	if port == "" || port == defPort {
		return host, true
	}
	return host + ":" + port, true
}

func validHost(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '*' || c >= 0x80) {
			return false
		}
	}
	return !strings.Contains(h, "..")
}

// tuple reads a Python (host, port) address.
func tuple(a *facts.Arg) (string, bool) {
	h, p := &a.Elems[0], &a.Elems[1]
	if !h.Known || h.Prefix {
		return "", false
	}
	host := strings.TrimSpace(h.Value)
	port, ok := inferPort(p)
	if !ok || strings.Contains(port, ":") {
		if host == "" {
			return "", false
		}
		return hostPort(host, "")
	}
	if host == "" {
		return port, true // Python's "" binds every interface, like Go's ":8080"
	}
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
		host = "[" + host + "]"
	}
	return hostPort(host+":"+port, "")
}

func inferPort(a *facts.Arg) (string, bool) {
	if len(a.Elems) == 2 {
		return tuple(a)
	}
	if p, ok := a.Props["port"]; ok {
		// listen({ host: "127.0.0.1", port: 3000 })
		port, ok := inferPort(&p)
		if !ok || strings.Contains(port, ":") {
			return "", false
		}
		for _, k := range []string{"host", "hostname"} {
			if h, ok := a.Props[k]; ok {
				if !h.Known || h.Prefix {
					return "", false
				}
				host, ok := hostPort(strings.TrimSpace(h.Value), "")
				if !ok || !strings.HasSuffix(host, "]") && strings.Contains(host, ":") {
					return "", false
				}
				return host + ":" + port, true
			}
		}
		return port, true
	}
	var v string
	switch {
	case a.Number != "":
		v = a.Number
	case a.Known && !a.Prefix:
		v = strings.TrimSpace(a.Value)
	default:
		return "", false
	}
	if n, err := strconv.ParseUint(strings.ReplaceAll(v, "_", ""), 0, 16); err == nil {
		return strconv.FormatUint(n, 10), true
	}
	if strings.HasPrefix(v, ":") {
		if n, err := strconv.ParseUint(v[1:], 10, 16); err == nil {
			return strconv.FormatUint(n, 10), true // ":8080": every interface
		}
		return "", false
	}
	hp, ok := hostPort(v, "")
	if !ok {
		return "", false
	}
	// A listen address needs a port: "localhost" alone is not one.
	if !strings.HasSuffix(hp, "]") && strings.LastIndexByte(hp, ':') > strings.LastIndexByte(hp, ']') {
		return hp, true
	}
	return "", false
}

func inferProgram(a *facts.Arg) (string, bool) {
	if !a.Known || a.Prefix {
		return "", false
	}
	v := unquote(strings.TrimSpace(a.Value))
	if v == "" || strings.ContainsAny(v, "\x00\n") {
		return "", false
	}
	return v, true
}

// firstWord returns the program of a shell command line.
func firstWord(v string, prefix bool) (string, bool) {
	s := strings.TrimLeft(v, " \t\r\n")
	for s != "" {
		var w string
		var complete bool
		if s[0] == '"' || s[0] == '\'' {
			j := strings.IndexByte(s[1:], s[0])
			if j < 0 {
				return "", false
			}
			w, s, complete = s[1:j+1], s[j+2:], true
			if s != "" && !isSpace(s[0]) {
				return "", false // "a"b: not worth guessing
			}
		} else {
			j := strings.IndexAny(s, " \t\r\n;|&<>()")
			if j < 0 {
				w, s = s, ""
			} else {
				w, s, complete = s[:j], s[j:], true
			}
		}
		if w == "" {
			return "", false
		}
		if !complete && prefix {
			return "", false // "git" + x could be "gitk"
		}
		if isAssignment(w) {
			s = strings.TrimLeft(s, " \t\r\n")
			continue // FOO=1 prog args
		}
		return w, true
	}
	return "", false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isAssignment(w string) bool {
	j := strings.IndexByte(w, '=')
	if j <= 0 {
		return false
	}
	for i := 0; i < j; i++ {
		c := w[i]
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

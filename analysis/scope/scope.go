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
	"path"
	"strconv"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// Kinds are the scope kinds a rule may name (rules.ScopeArg.Kind).
var Kinds = []string{"url", "host", "hostport", "port", "addr", "path", "dir", "prefix", "command", "program", "env", "code", "library"}

// KnownKind reports whether kind is one of Kinds.
func KnownKind(kind string) bool {
	for _, k := range Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// Infer returns the manifest scope a literal argument gives for a scope
// kind, and whether it could.
//
//	url       "https://API.example.com:443/v1" → "api.example.com"; a Prefix
//	          value only when its host part is complete; relative and
//	          scheme-relative URLs, file: URLs and multi-host URLs give nothing
//	host      "db.internal", "db:5432", "::1" → host[:port] ("[::1]")
//	hostport  same as host
//	port      3000, "3000", ":3000" → "3000"; "127.0.0.1:3000" kept; an
//	          object literal {host, port} gives "host:port"
//	addr      Go listen address, as port
//	          (host and port kinds also take a Python (host, port) tuple)
//	path      cleaned, relative kept relative, "~" → "${HOME}", file:// URLs
//	          → their path, Windows drive paths slash-separated; a Prefix value
//	          gives its directory + "/**"
//	dir       a directory the call creates files under: its path + "/**"
//	prefix    a file name prefix ("/tmp/app-" for mkdtemp): its directory + "/**"
//	command   a shell command line: its first word (after VAR=value
//	          assignments), quotes stripped, otherwise as written
//	          ("/usr/bin/git" stays a path); an argv list: its first element
//	program   argv[0] (an argv list's first element, or the whole string)
//	env       the variable name; a Prefix "APP_" gives "APP_*"
//	library   the library path as written
//	code      nothing: code has no scope
func Infer(kind string, a *facts.Arg) (scope string, ok bool) {
	if a == nil {
		return "", false
	}
	switch kind {
	case "url":
		if !a.Known {
			return "", false
		}
		return inferURL(a.Value, a.Prefix)
	case "host", "hostport":
		if len(a.Elems) == 2 {
			return tuple(a)
		}
		if !a.Known || a.Prefix {
			return "", false
		}
		v := strings.TrimSpace(a.Value)
		if strings.Contains(v, "://") {
			return inferURL(v, false)
		}
		return hostPort(v, "")
	case "port", "addr":
		return inferPort(a)
	case "path":
		if !a.Known {
			return "", false
		}
		return inferPath(a.Value, a.Prefix)
	case "dir", "prefix":
		if !a.Known {
			return "", false
		}
		v := a.Value
		if strings.TrimSpace(v) == "" {
			return "", false
		}
		if kind == "dir" && !a.Prefix {
			v = strings.TrimSuffix(v, "/") + "/"
		}
		return inferPath(v, true)
	case "command":
		if len(a.Elems) > 0 {
			return inferProgram(&a.Elems[0])
		}
		if !a.Known {
			return "", false
		}
		return firstWord(a.Value, a.Prefix)
	case "program":
		if len(a.Elems) > 0 {
			return inferProgram(&a.Elems[0])
		}
		return inferProgram(a)
	case "env":
		if !a.Known {
			return "", false
		}
		v := strings.TrimSpace(a.Value)
		if v == "" || strings.ContainsAny(v, " \t\n\x00=") {
			return "", false
		}
		if a.Prefix {
			return v + "*", true
		}
		return v, true
	case "library":
		if !a.Known || a.Prefix {
			return "", false
		}
		v := strings.TrimSpace(a.Value)
		if v == "" || strings.ContainsRune(v, 0) {
			return "", false
		}
		return v, true
	}
	return "", false
}

// defaultPorts are dropped from URL scopes: "https://h:443" is "h".
var defaultPorts = map[string]string{
	"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21", "ftps": "990",
	"ssh": "22", "sftp": "22", "git": "9418", "smtp": "25", "smtps": "465", "imap": "143", "imaps": "993",
	"ldap": "389", "ldaps": "636", "redis": "6379", "rediss": "6379", "postgres": "5432",
	"postgresql": "5432", "mysql": "3306", "mongodb": "27017", "amqp": "5672", "amqps": "5671",
	"nats": "4222", "mqtt": "1883", "mqtts": "8883",
}

func inferURL(v string, prefix bool) (string, bool) {
	v = strings.TrimSpace(v)
	i := strings.Index(v, "://")
	if i <= 0 || !validScheme(v[:i]) {
		return "", false // relative, scheme-relative ("//h/x") or not a URL
	}
	scheme := strings.ToLower(v[:i])
	// Driver suffixes such as "postgresql+psycopg" or "mongodb+srv" keep the base scheme's default port.
	if j := strings.IndexByte(scheme, '+'); j > 0 {
		scheme = scheme[:j]
	}
	if scheme == "file" || scheme == "data" || scheme == "sqlite" {
		return "", false
	}
	rest := v[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		if prefix {
			return "", false // "https://api." + domain: the host is not complete
		}
		end = len(rest)
	}
	auth := rest[:end]
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		auth = auth[at+1:]
	}
	if auth == "" || strings.ContainsAny(auth, ", \t\n\\") {
		return "", false // no host, or several hosts (mongodb://a,b/)
	}
	return hostPort(auth, defaultPorts[scheme])
}

func validScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
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

func inferPath(v string, prefix bool) (string, bool) {
	if strings.ContainsRune(v, 0) {
		return "", false
	}
	if strings.HasPrefix(v, "file://") {
		rest := v[len("file://"):]
		if !strings.HasPrefix(rest, "/") {
			// file://host/path: only the local host is a path on this machine.
			j := strings.IndexByte(rest, '/')
			if j < 0 || !strings.EqualFold(rest[:j], "localhost") {
				return "", false
			}
			rest = rest[j:]
		}
		if k := strings.IndexAny(rest, "?#"); k >= 0 {
			rest, prefix = rest[:k], false
		}
		if len(rest) >= 3 && rest[0] == '/' && isDrive(rest[1:]) {
			rest = rest[1:] // file:///C:/x
		}
		v = rest
	}
	if isDrive(v) || strings.HasPrefix(v, `\\`) {
		v = strings.ReplaceAll(v, `\`, "/")
	}
	if v == "" {
		return "", false
	}
	home := false
	if v == "~" || strings.HasPrefix(v, "~/") {
		// Clean the rest as if rooted, so "~/../x" cannot climb out of ${HOME}'s spelling.
		home, v = true, "/"+strings.TrimPrefix(v[1:], "/")
	}
	if prefix {
		// Only the start is known: cover the directory it names.
		j := strings.LastIndexByte(v, '/')
		switch {
		case j < 0:
			return "", false // "pre" + x: could be anywhere under the working directory
		case j == 0:
			v = "/"
		default:
			v = v[:j]
		}
	}
	unc := strings.HasPrefix(v, "//")
	c := path.Clean(v)
	if unc {
		c = "/" + c // keep //server/share
	}
	if home {
		if c == "/" {
			c = "${HOME}"
		} else {
			c = "${HOME}" + c
		}
	}
	if prefix {
		if strings.HasSuffix(c, "/") {
			return c + "**", true
		}
		return c + "/**", true
	}
	return c, true
}

func isDrive(s string) bool {
	return len(s) >= 2 && s[1] == ':' && (s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') &&
		(len(s) == 2 || s[2] == '/' || s[2] == '\\')
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

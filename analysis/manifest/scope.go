package manifest

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/glob"
)

// maxDoubleStars bounds "**" per glob: a readability limit (matching is
// polynomial in any case, see glob.Segments).
const maxDoubleStars = 8

// Path placeholders: directories known only at run time.
var placeholders = []string{"${ROOT}", "${HOME}", "${TMP}", "${CWD}"}

// ValidateScope checks one scope of a capability whose scopes are of kind k.
// "*" is valid for every kind.
func ValidateScope(k capability.ScopeKind, s string) error {
	if s == "*" {
		return nil
	}
	if strings.TrimSpace(s) == "" {
		return errors.New("empty scope")
	}
	if s != strings.TrimSpace(s) {
		return errors.New("leading or trailing space")
	}
	if !utf8.ValidString(s) {
		return errors.New("not valid UTF-8")
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return errors.New("control character in scope")
		}
	}
	switch k {
	case capability.ScopeNone:
		return errors.New(`this capability takes no scope: write ["*"]`)
	case capability.ScopeHost:
		if strings.Contains(s, "://") {
			if u, err := url.Parse(s); err == nil && u.Host != "" {
				return fmt.Errorf("write the host, not a URL: %s", u.Host)
			}
			return errors.New("write a host, not a URL")
		}
		_, _, err := splitHost(s, true)
		return err
	case capability.ScopePort:
		_, _, err := splitPort(s)
		return err
	case capability.ScopePath, capability.ScopeLibrary:
		return validatePath(s, k == capability.ScopeLibrary)
	case capability.ScopeEnv:
		name := strings.TrimSuffix(s, "*")
		if strings.Contains(name, "*") {
			return errors.New(`"*" may only end an env pattern (PREFIX_*)`)
		}
		for i, r := range name {
			if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
				return fmt.Errorf("%q is not allowed in an environment variable name", r)
			}
		}
		return nil
	case capability.ScopeProgram:
		if strings.ContainsAny(s, " \t") {
			return fmt.Errorf("write a program name, not a command line: %s", strings.Fields(s)[0])
		}
		if strings.ContainsAny(s, "*?[") {
			return errors.New(`program names take no wildcards (use "*" alone for any program)`)
		}
		return nil
	}
	return nil
}

func validatePath(s string, library bool) error {
	rest := s
	if strings.HasPrefix(s, "${") {
		ok := false
		for _, p := range placeholders {
			if s == p || strings.HasPrefix(s, p+"/") {
				ok = true
			}
		}
		if !ok {
			end := strings.IndexByte(s, '}')
			if end < 0 {
				return errors.New("unclosed ${")
			}
			return fmt.Errorf("unknown placeholder %s (use ${ROOT}, ${HOME}, ${TMP} or ${CWD})", s[:end+1])
		}
	} else if strings.Contains(s, "${") {
		return errors.New("a placeholder may only start a path")
	}
	if strings.Contains(rest, "\\") && !library {
		return errors.New(`use "/" as the path separator`)
	}
	if strings.Count(rest, "**") > maxDoubleStars {
		return fmt.Errorf("more than %d \"**\" in one pattern", maxDoubleStars)
	}
	for _, seg := range strings.Split(rest, "/") {
		if strings.Contains(seg, "**") && seg != "**" {
			return errors.New(`"**" must be a whole path segment (dir/**/file)`)
		}
		if _, err := path.Match(seg, ""); err != nil {
			return fmt.Errorf("bad glob segment %q", seg)
		}
	}
	return nil
}

// Match reports whether grant scope g covers literal scope lit of a
// capability whose scopes are of kind k. "*" covers everything. A literal
// that is itself a prefix (path ending in "/") is covered only when g covers
// everything under it.
func Match(k capability.ScopeKind, g, lit string) bool {
	if g == "*" {
		return true
	}
	switch k {
	case capability.ScopeHost:
		return MatchHost(g, lit)
	case capability.ScopePort:
		return MatchPort(g, lit)
	case capability.ScopePath:
		return MatchPath(g, lit)
	case capability.ScopeEnv:
		return MatchEnv(g, lit)
	case capability.ScopeProgram:
		return MatchProgram(g, lit)
	case capability.ScopeLibrary:
		if !strings.Contains(g, "/") || !strings.Contains(lit, "/") {
			gb, _ := path.Match(path.Base(g), path.Base(lit))
			return gb && (!strings.Contains(g, "/") || g == lit)
		}
		return MatchPath(g, lit)
	}
	return false // kind none: only "*"
}

// splitHost splits "host", "host:port", "[v6]:port", "*.domain" into a
// normalised host (lower case, no trailing dot, no brackets) and port
// ("" for none). strict rejects malformed names.
func splitHost(s string, strict bool) (host, port string, err error) {
	h := s
	switch {
	case strings.HasPrefix(h, "["):
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return "", "", errors.New("unclosed [ in IPv6 address")
		}
		host, rest := h[1:end], h[end+1:]
		if rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return "", "", errors.New("unexpected text after ]")
			}
			port = rest[1:]
		}
		h = host
		if net.ParseIP(h) == nil && strict {
			return "", "", fmt.Errorf("%q is not an IPv6 address", h)
		}
	case strings.Count(h, ":") == 1:
		h, port, _ = strings.Cut(h, ":")
	case strings.Count(h, ":") > 1:
		if net.ParseIP(h) == nil {
			return "", "", errors.New("write IPv6 addresses in brackets: [::1]:8080")
		}
	}
	if port != "" {
		if err := checkPort(port); err != nil {
			return "", "", err
		}
	} else if strings.HasSuffix(s, ":") {
		return "", "", errors.New("missing port after ':'")
	}
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	if strict {
		if err := checkHostname(h); err != nil {
			return "", "", err
		}
	}
	return h, port, nil
}

func checkPort(p string) error {
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("bad port %q (want 1-65535)", p)
	}
	return nil
}

func checkHostname(h string) error {
	if h == "" {
		return errors.New("empty host")
	}
	if net.ParseIP(h) != nil {
		return nil
	}
	name := h
	if strings.HasPrefix(name, "*.") {
		name = name[2:]
	}
	if strings.Contains(name, "*") {
		return errors.New(`"*" may only start a host pattern (*.example.com)`)
	}
	if strings.Contains(name, "/") {
		return errors.New("a host has no path")
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" {
			return errors.New("empty label in host name")
		}
		for _, r := range label {
			if !(r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127) {
				return fmt.Errorf("%q is not allowed in a host name", r)
			}
		}
	}
	return nil
}

// litHost normalises a literal host scope; a URL gives its host and its
// explicit port, or the scheme's default port in defPort.
func litHost(lit string) (host, port, defPort string) {
	if strings.Contains(lit, "://") {
		if u, err := url.Parse(lit); err == nil {
			switch strings.ToLower(u.Scheme) {
			case "https", "wss":
				defPort = "443"
			case "http", "ws":
				defPort = "80"
			}
			lit = u.Host
		}
	}
	host, port, err := splitHost(lit, false)
	if err != nil {
		return strings.ToLower(strings.TrimSuffix(lit, ".")), "", defPort
	}
	return host, port, defPort
}

// MatchHost: case-insensitive, trailing dots ignored; "*.example.com"
// matches every subdomain but not example.com itself; a grant without port
// matches any port; a grant with a port matches that port, or a URL without
// one whose scheme defaults to it (https → 443).
func MatchHost(g, lit string) bool {
	if g == "*" {
		return true
	}
	gh, gp, err := splitHost(g, false)
	if err != nil {
		return false
	}
	lh, lp, def := litHost(lit)
	if gp != "" {
		if lp == "" {
			lp = def
		}
		if lp != gp {
			return false
		}
	}
	if strings.HasPrefix(gh, "*.") {
		return strings.HasSuffix(lh, gh[1:]) && len(lh) > len(gh)-1
	}
	return gh == lh || sameIP(gh, lh)
}

func sameIP(a, b string) bool {
	ia, ib := net.ParseIP(a), net.ParseIP(b)
	return ia != nil && ib != nil && ia.Equal(ib)
}

// splitPort parses a listen scope: "3000", ":3000", "host:3000",
// "[::1]:3000". host is "" for "any interface".
func splitPort(s string) (host, port string, err error) {
	if !strings.Contains(s, ":") {
		return "", s, checkPort(s)
	}
	if strings.HasPrefix(s, ":") {
		return "", s[1:], checkPort(s[1:])
	}
	host, port, err = splitHost(s, true)
	if err == nil && port == "" {
		err = errors.New("missing port (write host:port, :port or port)")
	}
	return host, port, err
}

func isAnyAddr(h string) bool {
	return h == "" || h == "0.0.0.0" || h == "::" || h == "*"
}

func isLoopback(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// MatchPort: the ports must be equal. A grant without a host, or for
// 0.0.0.0 / ::, covers every interface; a grant for a host covers only that
// host (localhost, 127.0.0.1 and ::1 are one loopback), so a literal that
// listens on all interfaces ("3000", "0.0.0.0:3000") is out of scope of a
// "127.0.0.1:3000" grant: it exposes more than was granted.
func MatchPort(g, lit string) bool {
	if g == "*" {
		return true
	}
	gh, gp, err := splitPort(g)
	if err != nil {
		return false
	}
	lh, lp, err := splitPort(lit)
	if err != nil || gp != lp {
		return false
	}
	if isAnyAddr(gh) {
		return true
	}
	if isAnyAddr(lh) {
		return false
	}
	if isLoopback(gh) && isLoopback(lh) {
		return true
	}
	return strings.EqualFold(gh, lh) || sameIP(gh, lh)
}

// MatchEnv: exact name (case-sensitive, as on POSIX), or "PREFIX_*".
func MatchEnv(g, lit string) bool {
	if g == "*" {
		return true
	}
	if p, ok := strings.CutSuffix(g, "*"); ok {
		if l, lok := strings.CutSuffix(lit, "*"); lok {
			return strings.HasPrefix(l, p) // a literal prefix pattern
		}
		return strings.HasPrefix(lit, p)
	}
	return g == lit
}

// MatchProgram: a bare name matches that name or any path ending in it
// (/usr/bin/git); an absolute grant matches only that path (a bare "git"
// may resolve anywhere on PATH). ".exe" is ignored on both sides.
func MatchProgram(g, lit string) bool {
	if g == "*" {
		return true
	}
	g = trimExe(g)
	lit = trimExe(lit)
	if strings.Contains(g, "/") {
		return path.Clean(g) == path.Clean(lit)
	}
	return g == lit || path.Base(strings.ReplaceAll(lit, "\\", "/")) == g
}

func trimExe(s string) string {
	if len(s) > 4 && strings.EqualFold(s[len(s)-4:], ".exe") {
		return s[:len(s)-4]
	}
	return s
}

// normPath splits a path into its root ("/" or a placeholder) and cleaned
// segments. "~" becomes ${HOME}; a relative path is relative to ${CWD}.
// ".." is resolved lexically; one that climbs out of a placeholder makes the
// path escape (escaped true): it can only be matched by "/**" or "*".
func normPath(p string) (root string, segs []string, escaped bool) {
	switch {
	case isDrive(p):
		// A Windows drive path, as the scope inference writes it ("C:/x").
		root, p = strings.ToUpper(p[:1])+":/", strings.TrimPrefix(p[2:], "/")
	case p == "~" || strings.HasPrefix(p, "~/"):
		root, p = "${HOME}", strings.TrimPrefix(p[1:], "/")
	case strings.HasPrefix(p, "/"):
		root, p = "/", p[1:]
	default:
		root = "${CWD}"
		for _, ph := range placeholders {
			if p == ph || strings.HasPrefix(p, ph+"/") {
				root, p = ph, strings.TrimPrefix(p[len(ph):], "/")
				break
			}
		}
	}
	for _, s := range strings.Split(p, "/") {
		switch s {
		case "", ".":
		case "..":
			if len(segs) == 0 || segs[len(segs)-1] == "**" {
				if !strings.HasSuffix(root, "/") {
					escaped = true
				}
				continue // "/.." is "/", "C:/.." is "C:/"
			}
			segs = segs[:len(segs)-1]
		case "**":
			if len(segs) == 0 || segs[len(segs)-1] != "**" {
				segs = append(segs, s) // "**/**" is "**"
			}
		default:
			segs = append(segs, s)
		}
	}
	return root, segs, escaped
}

func isDrive(p string) bool {
	return len(p) >= 2 && p[1] == ':' && (p[0]|0x20 >= 'a' && p[0]|0x20 <= 'z') && (len(p) == 2 || p[2] == '/')
}

// NormalizePath returns the canonical form of a path or glob ("~/x" →
// "${HOME}/x", "a/../b" → "${CWD}/b").
func NormalizePath(p string) string {
	root, segs, _ := normPath(p)
	if strings.HasSuffix(root, "/") {
		return root + strings.Join(segs, "/")
	}
	if len(segs) == 0 {
		return root
	}
	return root + "/" + strings.Join(segs, "/")
}

// MatchPath matches a path glob against a literal path, both normalised by
// normPath: "**" spans any number of segments (zero included), "*", "?" and
// [classes] stay within one segment. Roots must be equal: a literal
// absolute path is never inside ${ROOT} or ${HOME} (that cannot be known
// before run time) and only "/..." grants cover it. A literal ending in "/"
// is a directory prefix: covered when everything under it is.
func MatchPath(g, lit string) bool {
	if g == "*" {
		return true
	}
	groot, gsegs, gesc := normPath(g)
	lroot, lsegs, lesc := normPath(lit)
	if gesc || strings.Count(g, "**") > maxDoubleStars {
		return false
	}
	if lesc {
		// Somewhere outside its placeholder: only "everything" covers it.
		return groot == "/" && len(gsegs) == 1 && gsegs[0] == "**"
	}
	if groot != lroot {
		return false
	}
	// A prefix: "dir/" as written, or "dir/**" as the scope inference
	// writes a path whose start only is known.
	if strings.HasSuffix(lit, "/") || strings.HasSuffix(lit, "/**") && !strings.ContainsAny(strings.TrimSuffix(lit, "/**"), "*?[") {
		lsegs = trimStars(lsegs)
		// A prefix: any name, one or two levels down, must be covered.
		const any = "\x00"
		return globSegs(gsegs, append(lsegs[:len(lsegs):len(lsegs)], any)) &&
			globSegs(gsegs, append(lsegs[:len(lsegs):len(lsegs)], any, any))
	}
	return globSegs(gsegs, lsegs)
}

func trimStars(segs []string) []string {
	if len(segs) > 0 && segs[len(segs)-1] == "**" {
		return segs[:len(segs)-1]
	}
	return segs
}

// globSegs matches by NFA simulation (glob.Segments), never by
// backtracking over "**".
func globSegs(g, l []string) bool {
	ok, _ := glob.Segments(g, l, glob.SegmentMatch)
	return ok
}

package scope

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// A URL's host is read the way the runtime that connects reads it: a
// scope that differs from where the runtime connects would let a narrow
// grant cover a connection anywhere. Where the runtime's parser is
// ambiguous between its own HTTP clients (a backslash, a percent sign,
// a non-ASCII host) the scope is Unknown rather than a guess.

// localSchemes name no network host.
var localSchemes = map[string]bool{"file": true, "data": true, "sqlite": true, "blob": true, "about": true, "javascript": true}

func inferURL(fam Family, v string, prefix bool) Scope {
	switch fam {
	case Python:
		return pythonURL(v, prefix)
	case Go:
		return goURL(v, prefix)
	}
	return whatwgURL(v, prefix)
}

// splitScheme splits "scheme:rest" when s starts with a scheme by
// RFC 3986 (an ASCII letter, then letters, digits, "+", "-", ".").
func splitScheme(s string) (scheme, rest string, ok bool) {
	if s == "" || !isAlpha(s[0]) {
		return "", s, false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ':':
			return strings.ToLower(s[:i]), s[i+1:], true
		case isAlpha(c), c >= '0' && c <= '9', c == '+', c == '-', c == '.':
		default:
			return "", s, false
		}
	}
	return "", s, false
}

func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// baseScheme drops a driver suffix ("postgresql+psycopg", "mongodb+srv"):
// the base scheme gives the default port.
func baseScheme(scheme string) string {
	if j := strings.IndexByte(scheme, '+'); j > 0 {
		return scheme[:j]
	}
	return scheme
}

// removeTabNewline drops ASCII tab, LF and CR anywhere, as both the WHATWG
// parser and urllib.parse do before parsing.
func removeTabNewline(s string) string {
	if !strings.ContainsAny(s, "\t\n\r") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
}

// c0Space is what WHATWG trims (and urllib.parse strips on the left).
func isC0Space(r rune) bool { return r <= 0x20 }

// --- WHATWG (JS) ---

var whatwgSpecial = map[string]string{"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21", "file": ""}

func whatwgURL(v string, prefix bool) Scope {
	s := strings.TrimLeftFunc(v, isC0Space)
	if !prefix {
		s = strings.TrimRightFunc(s, isC0Space)
	}
	s = removeTabNewline(s)
	scheme, rest, ok := splitScheme(s)
	if !ok {
		return dynamic // relative: resolved against a base set elsewhere (or a TypeError)
	}
	if localSchemes[scheme] {
		return unknownScope("a " + scheme + ": URL names no network host")
	}
	_, special := whatwgSpecial[scheme]
	var term string
	if special {
		// Any run of "/" and "\" (none included) leads to the authority:
		// "https:evil.com", "https:\\evil.com" and "https:///evil.com"
		// all connect to evil.com.
		rest = strings.TrimLeft(rest, `/\`)
		term = `/?#\`
	} else {
		if !strings.HasPrefix(rest, "//") {
			if prefix && strings.HasPrefix("//", rest) {
				return dynamic
			}
			return unknownScope("the URL has no host (no // after " + scheme + ":)")
		}
		rest, term = rest[2:], "/?#"
	}
	end := strings.IndexAny(rest, term)
	if end < 0 {
		if prefix {
			return dynamic // "https://api." + domain: the host is not complete
		}
		end = len(rest)
	}
	auth := rest[:end]
	if !special && strings.ContainsRune(auth, '\\') {
		// Node's legacy url.parse, which some clients still use, reads "\"
		// as "/": the two parsers connect to different hosts.
		return unknownScope(`a backslash in the authority: Node's URL parsers disagree on the host`)
	}
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		auth = auth[at+1:]
		if auth == "" {
			return unknownScope("the URL has credentials but no host")
		}
	}
	host, port := auth, ""
	inBrackets := false
	for i := 0; i < len(auth); i++ {
		switch auth[i] {
		case '[':
			inBrackets = true
		case ']':
			inBrackets = false
		case ':':
			if !inBrackets {
				host, port = auth[:i], auth[i+1:]
				i = len(auth)
			}
		}
	}
	if host == "" {
		return unknownScope("the URL has no host")
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return unknownScope("the URL's port is not a number")
		}
	}
	if port != "" {
		n, err := strconv.ParseUint(strings.TrimLeft(port, "0")+"0", 10, 32)
		if err != nil || n/10 > 65535 {
			return unknownScope("the URL's port is out of range")
		}
		port = strconv.FormatUint(n/10, 10)
	}
	var h string
	var why string
	if special {
		h, why = whatwgHost(host)
	} else {
		h, why = opaqueHost(host)
	}
	if why != "" {
		return unknownScope(why)
	}
	def := whatwgSpecial[scheme]
	if !special {
		def = defaultPorts[baseScheme(scheme)]
	}
	if port == def {
		port = ""
	}
	return hostScope(h, port)
}

// hostScope builds "host[:port]" from a parsed host, checked once more by
// hostPort so every family's output has one spelling.
func hostScope(h, port string) Scope {
	if strings.HasPrefix(h, "[") {
		if port != "" {
			h += ":" + port
		}
	} else if port != "" {
		h += ":" + port
	}
	v, ok := hostPort(h, "")
	if !ok {
		return unknownScope("not a host name mcpriv can state: " + h)
	}
	return known(v)
}

// whatwgHost is the WHATWG host parser for special schemes: IPv6 in
// brackets; else percent-decoded, lower-cased, forbidden code points
// refused, and a host ending in a number read as IPv4 (with the
// octal, hex and short forms: "0x7f.1" is 127.0.0.1). Non-ASCII hosts and
// Punycode labels go through UTS 46, which is not reimplemented here:
// they are Unknown.
func whatwgHost(h string) (string, string) {
	if strings.HasPrefix(h, "[") {
		if !strings.HasSuffix(h, "]") {
			return "", "unclosed [ in the host"
		}
		return ipv6(h[1 : len(h)-1])
	}
	d, ok := percentDecode(h)
	if !ok {
		return "", "bad percent-encoding in the host"
	}
	for i := 0; i < len(d); i++ {
		c := d[i]
		if c >= 0x80 {
			return "", "a non-ASCII host (IDNA mapping is not inferred)"
		}
		if c <= 0x20 || c == 0x7f || strings.IndexByte("#%/:<>?@[\\]^|", c) >= 0 {
			return "", "a character the URL parser refuses in a host"
		}
	}
	d = strings.ToLower(d)
	for _, label := range strings.Split(d, ".") {
		if strings.HasPrefix(label, "xn--") {
			return "", "a Punycode host label (IDNA decoding is not inferred)"
		}
	}
	if endsInNumber(d) {
		ip, ok := whatwgIPv4(d)
		if !ok {
			return "", "the host ends in a number but is not an IPv4 address"
		}
		return ip, ""
	}
	return d, ""
}

// opaqueHost is the WHATWG host of a non-special scheme (postgres://,
// redis://): not decoded, only checked. A percent sign is refused: the
// database client decodes it or not.
func opaqueHost(h string) (string, string) {
	if strings.HasPrefix(h, "[") {
		if !strings.HasSuffix(h, "]") {
			return "", "unclosed [ in the host"
		}
		return ipv6(h[1 : len(h)-1])
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if c >= 0x80 {
			return "", "a non-ASCII host"
		}
		if c <= 0x20 || c == 0x7f || strings.IndexByte("#%/:<>?@[\\]^|", c) >= 0 {
			return "", "a character the URL parser refuses in a host"
		}
	}
	return strings.ToLower(h), ""
}

func ipv6(s string) (string, string) {
	if strings.ContainsAny(s, "%") || s == "" {
		return "", "not an IPv6 address"
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() {
		return "", "not an IPv6 address"
	}
	return "[" + a.String() + "]", ""
}

func percentDecode(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			n, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(n))
			i += 2
			continue
		}
		b.WriteByte(s[i]) // a lone "%" stays, and is then refused
	}
	return b.String(), true
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f' }

// endsInNumber is WHATWG's "ends in a number": the last label (a trailing
// empty label ignored) is all digits or parses as an IPv4 number.
func endsInNumber(d string) bool {
	parts := strings.Split(d, ".")
	if parts[len(parts)-1] == "" {
		if len(parts) == 1 {
			return false
		}
		parts = parts[:len(parts)-1]
	}
	last := parts[len(parts)-1]
	if last != "" && strings.Trim(last, "0123456789") == "" {
		return true
	}
	_, ok := ipv4Number(last)
	return ok
}

// ipv4Number parses one part: "0x" hex, a leading "0" octal, else decimal.
func ipv4Number(p string) (uint64, bool) {
	if p == "" {
		return 0, false
	}
	base := 10
	switch {
	case len(p) >= 2 && (p[:2] == "0x" || p[:2] == "0X"):
		base, p = 16, p[2:]
	case len(p) >= 2 && p[0] == '0':
		base, p = 8, p[1:]
	}
	if p == "" {
		return 0, true
	}
	var n uint64
	for i := 0; i < len(p); i++ {
		var d uint64
		c := p[i]
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case c|0x20 >= 'a' && c|0x20 <= 'f':
			d = uint64(c|0x20-'a') + 10
		default:
			return 0, false
		}
		if d >= uint64(base) {
			return 0, false
		}
		n = n*uint64(base) + d
		if n > 1<<40 {
			n = 1 << 40 // too big for any part; keep it too big without overflowing
		}
	}
	return n, true
}

func whatwgIPv4(d string) (string, bool) {
	parts := strings.Split(d, ".")
	if parts[len(parts)-1] == "" && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 4 {
		return "", false
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		n, ok := ipv4Number(p)
		if !ok {
			return "", false
		}
		nums[i] = n
	}
	for _, n := range nums[:len(nums)-1] {
		if n > 255 {
			return "", false
		}
	}
	last := nums[len(nums)-1]
	if last >= 1<<(8*(5-len(nums))) {
		return "", false
	}
	ip := last
	for i, n := range nums[:len(nums)-1] {
		ip += n << (8 * (3 - i))
	}
	return strconv.FormatUint(ip>>24, 10) + "." + strconv.FormatUint(ip>>16&255, 10) + "." +
		strconv.FormatUint(ip>>8&255, 10) + "." + strconv.FormatUint(ip&255, 10), true
}

// --- urllib.parse (Python) ---

// pythonURL follows urllib.parse.urlsplit and SplitResult.hostname/.port.
// requests (urllib3), httpx and aiohttp (yarl) parse on their own; where
// they can disagree with urlsplit (a backslash, which urllib3 ends the
// authority at; a percent sign; a space or control; non-ASCII) the scope
// is Unknown.
func pythonURL(v string, prefix bool) Scope {
	s := strings.TrimLeftFunc(v, isC0Space)
	s = removeTabNewline(s)
	scheme, rest, ok := splitScheme(s)
	if !ok {
		return dynamic // relative, or "//host/x" without a scheme: no client connects to it alone
	}
	if localSchemes[scheme] {
		return unknownScope("a " + scheme + ": URL names no network host")
	}
	if !strings.HasPrefix(rest, "//") {
		if prefix && strings.HasPrefix("//", rest) {
			return dynamic
		}
		return unknownScope("urllib.parse finds no host (no // after " + scheme + ":)")
	}
	netloc := rest[2:]
	end := strings.IndexAny(netloc, "/?#")
	if end < 0 {
		if prefix {
			return dynamic
		}
		end = len(netloc)
	}
	netloc = netloc[:end]
	for i := 0; i < len(netloc); i++ {
		c := netloc[i]
		if c <= 0x20 || c == 0x7f || c >= 0x80 || c == '\\' || c == '%' {
			return unknownScope("Python's HTTP clients disagree on this URL's host (a backslash, %, space, control or non-ASCII character)")
		}
	}
	if strings.Contains(netloc, "[") != strings.Contains(netloc, "]") {
		return unknownScope("urllib.parse refuses an unbalanced [ or ] in the host")
	}
	if _, b, ok := strings.Cut(netloc, "["); ok {
		// urlsplit checks the first bracketed text of the whole netloc,
		// credentials included, as an IPv6 address.
		inner, _, _ := strings.Cut(b, "]")
		if _, why := ipv6(inner); why != "" {
			return unknownScope("urllib.parse refuses this bracketed text: " + why)
		}
	}
	hostinfo := netloc
	if at := strings.LastIndexByte(netloc, '@'); at >= 0 {
		hostinfo = netloc[at+1:]
	}
	var host, port string
	if i := strings.IndexByte(hostinfo, '['); i >= 0 {
		b := hostinfo[i+1:]
		j := strings.IndexByte(b, ']')
		if j < 0 || i != 0 {
			return unknownScope("urllib.parse reads this bracketed host differently")
		}
		host = b[:j]
		switch after := b[j+1:]; {
		case after == "":
		case after[0] == ':':
			port = after[1:]
		default:
			return unknownScope("urllib.parse refuses text after ] in the host")
		}
		if h, why := ipv6(host); why == "" {
			host = h
		} else {
			return unknownScope(why)
		}
	} else {
		host, port, _ = strings.Cut(hostinfo, ":")
		if strings.Contains(host, "]") {
			return unknownScope("urllib.parse refuses a ] in the host")
		}
		host = strings.ToLower(host)
	}
	if host == "" {
		return unknownScope("the URL has no host")
	}
	if port != "" {
		if strings.Trim(port, "0123456789") != "" {
			return unknownScope("the URL's port is not a number")
		}
		n, err := strconv.ParseUint(strings.TrimLeft(port, "0")+"0", 10, 32)
		if err != nil || n/10 > 65535 {
			return unknownScope("the URL's port is out of range")
		}
		port = strconv.FormatUint(n/10, 10)
	}
	if port == defaultPorts[baseScheme(scheme)] {
		port = ""
	}
	return hostScope(host, port)
}

// --- net/url (Go) ---

// goURL asks net/url, which net/http uses to dial.
func goURL(v string, prefix bool) Scope {
	if prefix {
		// Complete only when the authority's end is known: net/url cuts
		// "#", then "?", then ends the authority at "/".
		_, rest, ok := splitScheme(v)
		if !ok {
			return dynamic
		}
		if !strings.HasPrefix(rest, "//") {
			if strings.HasPrefix("//", rest) {
				return dynamic
			}
		} else {
			end := strings.IndexAny(rest[2:], "/?#")
			if end < 0 {
				return dynamic
			}
			v = v[:len(v)-len(rest)+2+end]
			prefix = false // the authority is complete: what follows cannot change it
		}
	}
	u, err := url.Parse(v)
	if err != nil {
		if prefix {
			return dynamic // the rest may complete an escape
		}
		return unknownScope("net/url cannot parse the URL")
	}
	if u.Scheme == "" {
		return dynamic
	}
	scheme := strings.ToLower(u.Scheme)
	if localSchemes[scheme] {
		return unknownScope("a " + scheme + ": URL names no network host")
	}
	if u.Host == "" {
		return unknownScope("net/url finds no host")
	}
	host := u.Hostname()
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 || host[i] <= 0x20 || host[i] == '%' {
			return unknownScope("a non-ASCII or escaped host (IDNA mapping is not inferred)")
		}
	}
	port := u.Port()
	if port != "" {
		n, err := strconv.ParseUint(strings.TrimLeft(port, "0")+"0", 10, 32)
		if err != nil || n/10 > 65535 {
			return unknownScope("the URL's port is out of range")
		}
		port = strconv.FormatUint(n/10, 10)
	}
	if port == defaultPorts[baseScheme(scheme)] {
		port = ""
	}
	if strings.Contains(host, ":") {
		h, why := ipv6(host)
		if why != "" {
			return unknownScope(why)
		}
		return hostScope(h, port)
	}
	return hostScope(strings.ToLower(host), port)
}

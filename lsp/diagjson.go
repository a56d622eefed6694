package lsp

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"go.lsp.dev/protocol"
)

// A hand-written encoder for the diagnostics we publish. A big file has
// thousands of them after every edit, and encoding/json spends most of its
// time in reflection and interface dispatch. The output is byte for byte what
// json.Marshal produces for the same values (HTML characters escaped, invalid
// UTF-8 replaced, omitempty honoured), so clients see no difference and the
// published bytes stay comparable with earlier ones; diagjson_test.go holds
// it to that.

// appendDiagnostic appends the JSON encoding of d to b. It is the
// concatenation of the range, appendDiagnosticHead, appendRelated and
// appendDiagnosticTail, which the publish path caches and splices apart.
func appendDiagnostic(b []byte, d *protocol.Diagnostic) ([]byte, error) {
	b = append(b, `{"range":`...)
	b = appendRange(b, d.Range)
	b, err := appendDiagnosticHead(b, d)
	if err != nil {
		return b, err
	}
	b = appendRelated(b, d.RelatedInformation)
	return appendDiagnosticTail(b, d)
}

// appendDiagnosticHead appends the fields between range and
// relatedInformation, each with its leading comma.
func appendDiagnosticHead(b []byte, d *protocol.Diagnostic) ([]byte, error) {
	var err error
	if d.Severity != 0 {
		b = append(b, `,"severity":`...)
		if b, err = appendFloat(b, float64(d.Severity)); err != nil {
			return b, err
		}
	}
	if d.Code != nil {
		b = append(b, `,"code":`...)
		if b, err = appendAny(b, d.Code); err != nil {
			return b, err
		}
	}
	if d.CodeDescription != nil {
		b = append(b, `,"codeDescription":{"href":`...)
		b = appendString(b, string(d.CodeDescription.Href))
		b = append(b, '}')
	}
	if d.Source != "" {
		b = append(b, `,"source":`...)
		b = appendString(b, d.Source)
	}
	b = append(b, `,"message":`...)
	b = appendString(b, d.Message)
	if len(d.Tags) > 0 {
		b = append(b, `,"tags":[`...)
		for i, t := range d.Tags {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendFloat(b, float64(t)); err != nil {
				return b, err
			}
		}
		b = append(b, ']')
	}
	return b, nil
}

// appendRelated appends the relatedInformation field, if any.
func appendRelated(b []byte, related []protocol.DiagnosticRelatedInformation) []byte {
	if len(related) == 0 {
		return b
	}
	b = append(b, `,"relatedInformation":[`...)
	for i := range related {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRelatedItem(b, &related[i])
	}
	return append(b, ']')
}

func appendRelatedItem(b []byte, ri *protocol.DiagnosticRelatedInformation) []byte {
	b = append(b, `{"location":{"uri":`...)
	b = appendString(b, string(ri.Location.URI))
	b = append(b, `,"range":`...)
	b = appendRange(b, ri.Location.Range)
	b = append(b, `},"message":`...)
	b = appendString(b, ri.Message)
	return append(b, '}')
}

// appendDiagnosticTail appends the data field, if any, and closes the object.
func appendDiagnosticTail(b []byte, d *protocol.Diagnostic) ([]byte, error) {
	if d.Data != nil {
		b = append(b, `,"data":`...)
		switch data := d.Data.(type) {
		case *DiagnosticData:
			if data == nil {
				// A typed nil is a non-nil interface: omitempty keeps it.
				b = append(b, "null"...)
			} else {
				b = appendDiagnosticData(b, data)
			}
		case DiagnosticData:
			b = appendDiagnosticData(b, &data)
		default:
			var err error
			if b, err = appendAny(b, data); err != nil {
				return b, err
			}
		}
	}
	return append(b, '}'), nil
}

// appendDiagnosticData appends the JSON encoding of d to b. The fields are
// in DiagnosticData's declaration order, as encoding/json writes them.
func appendDiagnosticData(b []byte, d *DiagnosticData) []byte {
	b = append(b, `{"kind":`...)
	b = appendString(b, d.Kind)
	b = appendStringField(b, `,"capability":`, d.Capability)
	b = appendStringField(b, `,"class":`, d.Class)
	b = appendStringField(b, `,"rule":`, d.Rule)
	b = appendStringField(b, `,"api":`, d.API)
	b = appendStringField(b, `,"risk":`, d.Risk)
	b = appendStringsField(b, `,"tools":`, d.Tools)
	if d.Server {
		b = append(b, `,"server":true`...)
	}
	b = appendStringField(b, `,"manifest":`, d.Manifest)
	b = appendStringsField(b, `,"undeclaredFor":`, d.UndeclaredFor)
	b = appendStringField(b, `,"scope":`, d.Scope)
	b = appendStringField(b, `,"scopeUnknown":`, d.ScopeUnknown)
	b = appendStringField(b, `,"scopeKind":`, d.ScopeKind)
	b = appendStringField(b, `,"scopeEnv":`, d.ScopeEnv)
	b = appendStringField(b, `,"scopeOverride":`, d.ScopeOverride)
	b = appendStringsField(b, `,"scopes":`, d.Scopes)
	if d.ScopeDynamic {
		b = append(b, `,"scopeDynamic":true`...)
	}
	if d.Tainted {
		b = append(b, `,"tainted":true`...)
	}
	b = appendStringField(b, `,"taintTool":`, d.TaintTool)
	b = appendStringField(b, `,"taintSource":`, d.TaintSource)
	b = appendStringField(b, `,"taintRole":`, d.TaintRole)
	b = appendStringField(b, `,"manifestUri":`, string(d.ManifestURI))
	return append(b, '}')
}

// appendStringField appends an omitempty string field.
func appendStringField(b []byte, name, v string) []byte {
	if v == "" {
		return b
	}
	b = append(b, name...)
	return appendString(b, v)
}

// appendStringsField appends an omitempty []string field (nil and empty are
// both omitted).
func appendStringsField(b []byte, name string, v []string) []byte {
	if len(v) == 0 {
		return b
	}
	b = append(b, name...)
	b = append(b, '[')
	for i, s := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

func appendRange(b []byte, r protocol.Range) []byte {
	b = append(b, `{"start":`...)
	b = appendPosition(b, r.Start)
	b = append(b, `,"end":`...)
	b = appendPosition(b, r.End)
	return append(b, '}')
}

func appendPosition(b []byte, p protocol.Position) []byte {
	b = append(b, `{"line":`...)
	b = strconv.AppendUint(b, uint64(p.Line), 10)
	b = append(b, `,"character":`...)
	b = strconv.AppendUint(b, uint64(p.Character), 10)
	return append(b, '}')
}

// appendAny encodes the values we never produce ourselves (a numeric code,
// foreign data) with encoding/json, whose output for a value inside a
// struct is the same as for the value alone.
func appendAny(b []byte, v any) ([]byte, error) {
	if s, ok := v.(string); ok {
		return appendString(b, s), nil
	}
	enc, err := json.Marshal(v)
	if err != nil {
		return b, err
	}
	return append(b, enc...), nil
}

// appendFloat formats f as encoding/json does for a float64: like
// JavaScript's Number.prototype.toString, exponent without padding.
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(f, 'g', -1, 64))
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-07 → e-7
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// jsonSafe marks the ASCII bytes json.Marshal copies unescaped: printable
// characters other than the quote, the backslash and the HTML-sensitive
// <, > and &.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaped as json.Marshal escapes
// it: short escapes for \b \f \n \r \t, \u00XX for other control
// characters and for <, > and &, \u2028 and \u2029 (which break JavaScript
// embedding), and U+FFFD for each invalid UTF-8 byte.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

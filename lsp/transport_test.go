package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// rawConn speaks LSP framing by hand, so tests can send what no well-behaved
// client would. A goroutine keeps reading, as real clients do, so the
// server never blocks writing.
type rawConn struct {
	t    *testing.T
	w    io.Writer
	msgs chan map[string]any
}

func newRawConn(t *testing.T, rw io.ReadWriter) *rawConn {
	c := &rawConn{t: t, w: rw, msgs: make(chan map[string]any, 100)}
	go func() {
		defer close(c.msgs)
		r := bufio.NewReader(rw)
		for {
			body, err := readFrame(r, nil)
			if err != nil {
				return
			}
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				m = map[string]any{"invalid": string(body)}
			}
			c.msgs <- m
		}
	}()
	return c
}

func (c *rawConn) send(body string) {
	c.t.Helper()
	if _, err := fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		c.t.Fatal(err)
	}
}

// next returns the first message satisfying ok (others are skipped).
func (c *rawConn) next(ok func(map[string]any) bool) map[string]any {
	c.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m, open := <-c.msgs:
			if !open {
				c.t.Fatal("the server closed the connection")
			}
			if _, bad := m["invalid"]; bad {
				c.t.Fatalf("server sent invalid JSON: %q", m["invalid"])
			}
			if ok(m) {
				return m
			}
		case <-timeout:
			c.t.Fatal("timed out waiting for a message")
		}
	}
}

func isResponse(id any) func(map[string]any) bool {
	return func(m map[string]any) bool { _, hasMethod := m["method"]; return !hasMethod && m["id"] == id }
}

func TestMalformedInput(t *testing.T) {
	a, b := net.Pipe()
	done := make(chan error, 1)
	go func() { done <- Serve(context.Background(), a, Options{NewEngine: newFakeEngine}) }()
	c := newRawConn(t, b)
	defer b.Close()

	for _, tc := range []struct {
		name, body string
		code       float64
	}{
		{"not JSON", `{"jsonrpc":"2.0","id":1,"method":`, -32700},
		{"garbage bytes", "\x00\xff\xfe garbage", -32700},
		{"JSON but not a request", `[]`, -32600},
	} {
		c.send(tc.body)
		m := c.next(isResponse(nil))
		e, _ := m["error"].(map[string]any)
		if e == nil || e["code"] != tc.code {
			t.Errorf("%s: reply %v, want error code %v", tc.name, m, tc.code)
		}
	}
	// Broken headers get one error per frame and the next frame is read
	// normally: a line without a colon, a line longer than any header, a bad
	// or missing length.
	for _, hdr := range []string{
		"Content-Type nonsense\r\n\r\n",
		strings.Repeat("x", 10000) + "\r\n\r\n",
		"Content-Length: -5\r\n\r\n",
		"Content-Type: application/vscode-jsonrpc\r\n\r\n",
	} {
		fmt.Fprint(b, hdr)
		m := c.next(isResponse(nil))
		if e, _ := m["error"].(map[string]any); e == nil || e["code"] != float64(-32700) {
			t.Errorf("header %.30q: reply %v, want a parse error", hdr, m)
		}
	}
	// Blank lines between frames are no frame.
	fmt.Fprint(b, "\r\n\r\n")
	c.send(`{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"capabilities":{}}}`)
	m := c.next(isResponse(float64(2)))
	if _, ok := m["result"].(map[string]any)["capabilities"]; !ok {
		t.Fatalf("initialize after garbage: %v", m)
	}
	c.send(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
	// A handler never takes the connection down: wrong param types, huge positions.
	c.send(`{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x.ts"},"position":{"line":-5,"character":"a"}}}`)
	if m := c.next(isResponse(float64(3))); m["error"] == nil {
		t.Errorf("bad hover params: %v", m)
	}
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///x.ts","version":1,"text":"fetch(\"https://x\")\n"}}}`)
	c.send(`{"jsonrpc":"2.0","id":4,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x.ts"},"position":{"line":4294967295,"character":4294967295}}}`)
	if m := c.next(isResponse(float64(4))); m["error"] != nil {
		t.Errorf("hover past the end: %v", m)
	}
	c.send(`{"jsonrpc":"2.0","id":5,"method":"shutdown"}`)
	c.next(isResponse(float64(5)))
	c.send(`{"jsonrpc":"2.0","method":"exit"}`)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no exit")
	}
}

// TestStreamEnd: a client that disappears ends Serve with an error, not a hang.
func TestStreamEnd(t *testing.T) {
	a, b := net.Pipe()
	done := make(chan error, 1)
	go func() { done <- Serve(context.Background(), a, Options{NewEngine: newFakeEngine}) }()
	fmt.Fprintf(b, "Content-Length: 10\r\n\r\n{\"jsonrpc\"") // truncated mid-frame
	b.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Error("Serve returned nil for a connection closed without exit")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after the stream closed")
	}
}

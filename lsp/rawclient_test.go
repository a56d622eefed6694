package lsp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// rawClient is a minimal LSP client for benchmarks: it frames and writes
// messages and scans incoming ones without decoding them, so the figures a
// benchmark prints are the server's, not the test client's JSON decoding
// (a publishDiagnostics of a 10,000-line file is about 1 MB). Requests from
// the server are answered with a null result.
type rawClient struct {
	w         io.Writer
	wmu       sync.Mutex
	mu        sync.Mutex
	nextID    int
	pending   map[int]chan json.RawMessage
	onPublish func(body []byte) // body is reused after the call
}

func newRawClient(rw io.ReadWriter, onPublish func([]byte)) *rawClient {
	c := &rawClient{w: rw, pending: map[int]chan json.RawMessage{}, onPublish: onPublish}
	go c.read(bufio.NewReaderSize(rw, 1<<16))
	return c
}

// readFrame reads one LSP-framed message into buf (grown as needed) and
// returns its body; the tests' hand-rolled clients share it.
func readFrame(r *bufio.Reader, buf []byte) ([]byte, error) {
	n := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimSpace(line)
		if line == "" {
			break
		}
		if v, ok := strings.CutPrefix(line, "Content-Length:"); ok {
			n, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	if n < 0 {
		return nil, fmt.Errorf("a message without Content-Length")
	}
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	_, err := io.ReadFull(r, buf)
	return buf, err
}

func (c *rawClient) read(r *bufio.Reader) {
	var body []byte
	publish := []byte(`"textDocument/publishDiagnostics"`)
	for {
		var err error
		if body, err = readFrame(r, body); err != nil {
			return
		}
		head := body[:min(len(body), 256)]
		if bytes.Contains(head, publish) {
			c.onPublish(body)
			continue
		}
		var env struct {
			ID     *int            `json:"id"`
			Method string          `json:"method"`
			Result json.RawMessage `json:"result"`
		}
		if json.Unmarshal(body, &env) != nil || env.ID == nil {
			continue
		}
		if env.Method != "" {
			_ = c.write(map[string]any{"jsonrpc": "2.0", "id": *env.ID, "result": nil})
			continue
		}
		c.mu.Lock()
		ch := c.pending[*env.ID]
		delete(c.pending, *env.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- append(json.RawMessage(nil), env.Result...)
		}
	}
}

func (c *rawClient) write(msg any) error {
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err = fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n%s", len(b), b)
	return err
}

func (c *rawClient) call(method string, params any) (json.RawMessage, error) {
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	ch := make(chan json.RawMessage, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	if err := c.write(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params}); err != nil {
		return nil, err
	}
	return <-ch, nil
}

func (c *rawClient) notify(method string, params any) error {
	return c.write(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

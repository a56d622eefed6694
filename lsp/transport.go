package lsp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"go.lsp.dev/jsonrpc2"
)

// headerStream is the jsonrpc2.Stream of the server: LSP base-protocol
// framing (Content-Length headers) that survives malformed input. The stock
// jsonrpc2.NewStream reports a bad header line or an unparsable body as a
// read error, which ends the connection's read loop and with it the server;
// here such a frame is answered with a JSON-RPC error (null id, as the spec
// says when the id cannot be known) and reading resumes at the next frame.
// Only the end of the input or a transport error stops the stream.
type headerStream struct {
	rwc     io.ReadWriteCloser
	in      *bufio.Reader
	onError func(error) // logs a skipped frame; may be nil

	// writeMu serializes writes: the connection writes under its own lock,
	// but Read also writes (the error replies).
	writeMu sync.Mutex
}

func newHeaderStream(rwc io.ReadWriteCloser, onError func(error)) *headerStream {
	return &headerStream{rwc: rwc, in: bufio.NewReader(rwc), onError: onError}
}

const (
	// maxSkippedFrames bounds how long garbage is tolerated without a single
	// good frame in between: a peer sending nothing but noise is not a client.
	maxSkippedFrames = 10000
	// maxFrameSize bounds one message body, so a lying Content-Length cannot
	// make the server allocate gigabytes; a larger body is skipped.
	maxFrameSize = 256 << 20
)

// frameError is a problem with one frame; the stream stays usable.
type frameError struct {
	code jsonrpc2.Code
	msg  string
}

func (e *frameError) Error() string { return e.msg }

// Read returns the next well-formed message.
func (s *headerStream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	var total int64
	for skipped := 0; ; skipped++ {
		if err := ctx.Err(); err != nil {
			return nil, total, err
		}
		msg, n, err := s.readFrame()
		total += n
		var ferr *frameError
		if err == nil || !errors.As(err, &ferr) || skipped >= maxSkippedFrames {
			return msg, total, err
		}
		if s.onError != nil {
			s.onError(err)
		}
		// A reply to a peer that stopped reading is not our problem: ignore the
		// write error, the next read will see the closed input.
		_ = s.writeRaw(nullIDError(ferr.code, ferr.msg))
	}
}

// readFrame reads one header block and body. A malformed header is read up
// to its blank line, so the next frame starts in sync.
func (s *headerStream) readFrame() (jsonrpc2.Message, int64, error) {
	var total, length int64 = 0, -1
	var bad error
	inFrame := false // a header line was read
	for {
		line, n, err := s.readLine()
		total += n
		if err != nil {
			if err == io.EOF && (inFrame || line != "") {
				err = io.ErrUnexpectedEOF
			}
			return nil, total, err
		}
		line = strings.TrimSpace(line)
		if line == "" {
			if inFrame {
				break
			}
			continue // a stray blank line between frames
		}
		inFrame = true
		name, value, ok := strings.Cut(line, ":")
		switch {
		case !ok:
			bad = fmt.Errorf("invalid header line %q", truncate(line, 80))
		case strings.EqualFold(strings.TrimSpace(name), "Content-Length"):
			n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
			if err != nil || n < 0 {
				bad = fmt.Errorf("invalid Content-Length %q", truncate(value, 40))
			} else {
				length = n
			}
		}
	}
	if bad == nil && length < 0 {
		bad = errors.New("missing Content-Length header")
	}
	if bad != nil {
		return nil, total, &frameError{code: jsonrpc2.ParseError, msg: bad.Error()}
	}
	if length > maxFrameSize {
		n, err := io.CopyN(io.Discard, s.in, length)
		total += n
		if err != nil {
			return nil, total, io.ErrUnexpectedEOF
		}
		return nil, total, &frameError{code: jsonrpc2.ParseError, msg: fmt.Sprintf("message of %d bytes is larger than %d bytes", length, maxFrameSize)}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(s.in, body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, total, err
	}
	total += length
	if !json.Valid(body) {
		return nil, total, &frameError{code: jsonrpc2.ParseError, msg: "message body is not valid JSON"}
	}
	msg, err := jsonrpc2.DecodeMessage(body)
	if err != nil {
		return nil, total, &frameError{code: jsonrpc2.InvalidRequest, msg: "not a JSON-RPC 2.0 message: " + err.Error()}
	}
	return msg, total, nil
}

// readLine reads one header line. A line longer than the reader's buffer
// is no header: it is consumed and reported truncated, so noise without
// newlines cannot grow memory.
func (s *headerStream) readLine() (string, int64, error) {
	b, err := s.in.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return string(b), int64(len(b)), err
	}
	line, n := string(b), int64(len(b))
	for err == bufio.ErrBufferFull {
		b, err = s.in.ReadSlice('\n')
		n += int64(len(b))
	}
	return line, n, err
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// nullIDError is an error response whose id is null: jsonrpc2.Response
// always encodes an id, and ID{} encodes as 0, a valid request id.
func nullIDError(code jsonrpc2.Code, msg string) []byte {
	m, _ := json.Marshal(msg)
	return []byte(`{"jsonrpc":"2.0","id":null,"error":{"code":` + strconv.Itoa(int(code)) + `,"message":` + string(m) + `}}`)
}

// Write sends one message. The messages encode themselves; payloads inside
// them were encoded with encoding/json before they reached the connection
// (see marshalPayload).
func (s *headerStream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var data []byte
	var err error
	if m, ok := msg.(json.Marshaler); ok {
		data, err = m.MarshalJSON()
	} else {
		data, err = json.Marshal(msg)
	}
	if err != nil {
		return 0, fmt.Errorf("marshaling message: %w", err)
	}
	return int64(len(data)), s.writeRaw(data)
}

// notify writes a notification whose params are already encoded, next to
// the connection's own writes. jsonrpc2's Conn.Notify would re-encode the
// params twice (validating and compacting them each time), which tripled the
// cost of publishing the diagnostics of a large file.
func (s *headerStream) notify(ctx context.Context, method string, params json.RawMessage) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m, err := json.Marshal(method)
	if err != nil {
		return err
	}
	return s.writeRaw([]byte(`{"jsonrpc":"2.0","method":`), m, []byte(`,"params":`), params, []byte("}"))
}

// frameRoom is what startFrame reserves for the header: "Content-Length: ",
// the longest int64 and the blank line.
const frameRoom = len("Content-Length: ") + 20 + len("\r\n\r\n")

// startFrame returns buf emptied, with room for a header: the caller appends
// a message body and hands the buffer to writeFrame. A big message (the
// diagnostics of a large file, a megabyte) is then written from the buffer it
// was encoded in, not copied into a frame.
func startFrame(buf []byte) []byte {
	if cap(buf) < frameRoom {
		buf = make([]byte, 0, frameRoom+4096)
	}
	return buf[:frameRoom]
}

// writeFrame writes the body appended to a startFrame buffer, with its
// header, in one write. The stream does not keep frame.
func (s *headerStream) writeFrame(ctx context.Context, frame []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(frame) < frameRoom {
		return errors.New("writeFrame: buffer not from startFrame")
	}
	var hdr [frameRoom]byte
	h := append(hdr[:0], "Content-Length: "...)
	h = strconv.AppendInt(h, int64(len(frame)-frameRoom), 10)
	h = append(h, "\r\n\r\n"...)
	start := frameRoom - len(h)
	copy(frame[start:], h)
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	_, err := s.rwc.Write(frame[start:])
	return err
}

// writeRaw writes one frame whose body is the concatenation of parts,
// header and body in one write (one system call, one copy).
func (s *headerStream) writeRaw(parts ...[]byte) error {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	frame := make([]byte, 0, n+32)
	frame = append(frame, "Content-Length: "...)
	frame = strconv.AppendInt(frame, int64(n), 10)
	frame = append(frame, "\r\n\r\n"...)
	for _, p := range parts {
		frame = append(frame, p...)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	_, err := s.rwc.Write(frame)
	return err
}

func (s *headerStream) Close() error { return s.rwc.Close() }

// marshalPayload encodes params and results with encoding/json (HTML left
// unescaped) before they are handed to the connection as raw JSON: the
// protocol types rely on encoding/json's rules (pointer-receiver marshalers
// such as protocol.ProgressToken's, omitempty), and jsonrpc2 then only
// copies the bytes into the envelope.
func marshalPayload(v any) (json.RawMessage, error) {
	switch m := v.(type) {
	case nil:
		return json.RawMessage("null"), nil
	case json.RawMessage:
		if m == nil {
			return json.RawMessage("null"), nil
		}
		return m, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

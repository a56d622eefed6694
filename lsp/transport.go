package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"

	"go.lsp.dev/jsonrpc2"
)

// stdCodec encodes payloads with encoding/json: LSP clients send fields in
// the exact case of the spec, and encoding/json's omitempty rules are the ones
// the protocol types above are written for.
type stdCodec struct{}

func (stdCodec) Marshal(v any) ([]byte, error) {
	switch m := v.(type) {
	case nil:
		return []byte("null"), nil
	case jsonrpc2.RawMessage:
		if m == nil {
			return []byte("null"), nil
		}
		return m, nil
	case json.RawMessage:
		if m == nil {
			return []byte("null"), nil
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

func (stdCodec) Unmarshal(data []byte, v any) error {
	switch p := v.(type) {
	case *jsonrpc2.RawMessage:
		*p = append((*p)[:0], data...)
		return nil
	case *json.RawMessage:
		*p = append((*p)[:0], data...)
		return nil
	}
	return json.Unmarshal(data, v)
}

// tolerantStream keeps the connection alive through malformed input. The
// stock header stream reports an unparsable body or a bad header line as a
// read error, which ends jsonrpc2's read loop and with it the server; here
// such a frame is answered with a JSON-RPC error (null id, as the spec says
// for parse errors) and reading continues with the next frame. Only the end
// of the input stops the stream.
//
// It deliberately exposes only the Stream methods, so the connection uses
// Read/Write instead of the raw-frame fast path, which has no such recovery.
type tolerantStream struct {
	jsonrpc2.Stream
	onError func(error) // logs a skipped frame; may be nil
}

func newTolerantStream(rwc io.ReadWriteCloser, onError func(error)) *tolerantStream {
	return &tolerantStream{Stream: jsonrpc2.NewHeaderStream(rwc), onError: onError}
}

// maxSkippedFrames bounds how long garbage is tolerated without a single
// good frame in between: a peer sending nothing but noise is not a client.
const maxSkippedFrames = 10000

func (s *tolerantStream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	for skipped := 0; ; skipped++ {
		msg, n, err := s.Stream.Read(ctx)
		if err == nil {
			return msg, n, nil
		}
		if !recoverable(err) || skipped >= maxSkippedFrames {
			return nil, n, err
		}
		if s.onError != nil {
			s.onError(err)
		}
		var werr *jsonrpc2.Error
		if !errors.As(err, &werr) {
			werr = jsonrpc2.NewError(jsonrpc2.ParseError, err.Error())
		}
		// A reply to a peer that stopped reading is not our problem: ignore the
		// write error, the next Read will see the closed input.
		_, _ = s.Stream.Write(ctx, jsonrpc2.NewResponse(jsonrpc2.ID{}, nil, werr))
	}
}

// recoverable reports whether err concerns one frame rather than the transport.
func recoverable(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.ErrClosedPipe) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var werr *jsonrpc2.Error
	if errors.As(err, &werr) {
		return true
	}
	return errors.Is(err, jsonrpc2.ErrInvalidHeader)
}

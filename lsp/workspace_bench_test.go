package lsp

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// workspaceDirs is a generated 1,000-file TypeScript workspace in 50
// packages of 20 files: in each, two tool files importing helpers of their
// own package, which write files.
func workspaceDirs() map[string]string {
	files := map[string]string{}
	for p := 0; p < 50; p++ {
		for i := 0; i < 20; i++ {
			name := fmt.Sprintf("packages/p%02d/src/mod%02d.ts", p, i)
			if i%10 == 0 {
				files[name] = fmt.Sprintf(`import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { save%[2]d } from "./mod%02[2]d.js";
const server = new McpServer({ name: "p%[1]d", version: "1.0.0" });
server.tool("save_%[1]d_%[2]d", {}, async ({ p }) => { await save%[2]d(p); return { content: [] }; });
server.tool("get_%[1]d_%[2]d", {}, async () => ({ content: [{ type: "text", text: await (await fetch("https://h%[1]d.example.com")).text() }] }));
`, p, i+1)
				continue
			}
			var b strings.Builder
			fmt.Fprintf(&b, "import { promises as fs } from \"node:fs\";\n\nexport async function save%d(p: string) {\n  await fs.writeFile(\"/data/%d/\" + p, \"x\");\n}\n", i, p)
			for k := 0; k < 20; k++ {
				fmt.Fprintf(&b, "export function pure%d_%d(a: number, b: number): number {\n  return a * %d + b;\n}\n", i, k, k)
			}
			files[name] = b.String()
		}
	}
	return files
}

// BenchmarkWorkspaceOpen opens a 1,000-file workspace with the real engine
// and a file of it in the editor, as an editor does at start-up, and reports
// the time from `initialized` to the opened file's first diagnostics
// (first-ms) and to the last diagnostics of the workspace scan (scan-ms:
// the end of its progress, then the link after it, which a hover waits for).
//
//	go test -run '^$' -bench WorkspaceOpen -benchtime 3x ./lsp
func BenchmarkWorkspaceOpen(b *testing.B) {
	files := workspaceDirs()
	const opened = "packages/p25/src/mod10.ts"
	var first, scan time.Duration
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		root := b.TempDir()
		writeFiles(b, root, files)
		uri := pathToURI(root + "/" + opened)
		a, c := net.Pipe()
		go Serve(context.Background(), a, Options{NewEngine: realEngine})
		ended := make(chan struct{}, 1)
		firstDiags := make(chan struct{}, 1)
		conn := jsonrpc2.NewConn(jsonrpc2.NewStream(c))
		conn.Go(context.Background(), jsonrpc2.AsyncHandler(replyWith(func(ctx context.Context, req jsonrpc2.Request) (any, error) {
			switch req.Method() {
			case "$/progress":
				if strings.Contains(string(req.Params()), `"end"`) {
					ended <- struct{}{}
				}
			case "textDocument/publishDiagnostics":
				if strings.Contains(string(req.Params()), string(uri)) && strings.Contains(string(req.Params()), "network.client") {
					select {
					case firstDiags <- struct{}{}:
					default:
					}
				}
			}
			return nil, nil
		})))
		ctx := context.Background()
		if _, err := conn.Call(ctx, "initialize", map[string]any{"rootUri": pathToURI(root), "capabilities": map[string]any{"window": map[string]any{"workDoneProgress": true}}}, nil); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		_ = conn.Notify(ctx, "initialized", map[string]any{})
		_ = conn.Notify(ctx, "textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: uri, LanguageID: "typescript", Version: 1, Text: files[opened]}})
		gotFirst, gotEnd := false, false
		for !gotFirst || !gotEnd {
			select {
			case <-firstDiags:
				if !gotFirst {
					first += time.Since(start)
				}
				gotFirst = true
			case <-ended:
				gotEnd = true
			case <-time.After(120 * time.Second):
				b.Fatalf("after 120 s: first diagnostics %v, scan ended %v", gotFirst, gotEnd)
			}
		}
		// A request waits for the link that follows the scan.
		if _, err := conn.Call(ctx, "textDocument/hover", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: pos(3, 10)}, nil); err != nil {
			b.Fatal(err)
		}
		scan += time.Since(start)
		b.StopTimer()
		conn.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "first-ms")
	b.ReportMetric(float64(scan.Milliseconds())/float64(b.N), "scan-ms")
}

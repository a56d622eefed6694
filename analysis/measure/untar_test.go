package measure

import (
	"archive/tar"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type tarEntry struct {
	name, link string
	typ        byte
	body       string
	size       int64 // when not len(body)
}

func makeTar(t *testing.T, es []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range es {
		h := &tar.Header{Name: e.name, Linkname: e.link, Typeflag: e.typ, Mode: 0o644, Size: int64(len(e.body))}
		if e.typ != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.typ == tar.TypeReg {
			tw.Write([]byte(e.body))
		}
	}
	tw.Close()
	return buf.Bytes()
}

func TestUntar(t *testing.T) {
	tests := []struct {
		name    string
		entries []tarEntry
		opts    untarOptions
		err     string
		files   []string // expected regular files
		absent  []string
		notes   int
	}{
		{name: "npm layout", opts: untarOptions{stripTop: true},
			entries: []tarEntry{{name: "package/", typ: tar.TypeDir}, {name: "package/dist/index.js", typ: tar.TypeReg, body: "x"}, {name: "package/package.json", typ: tar.TypeReg, body: "{}"}},
			files:   []string{"dist/index.js", "package.json"}},
		{name: "traversal", entries: []tarEntry{{name: "../evil.js", typ: tar.TypeReg, body: "x"}}, err: "leaves the package"},
		{name: "traversal inside", opts: untarOptions{stripTop: true}, entries: []tarEntry{{name: "package/a/../../../evil.js", typ: tar.TypeReg, body: "x"}}, err: "leaves the package"},
		{name: "absolute", entries: []tarEntry{{name: "/etc/evil", typ: tar.TypeReg, body: "x"}}, err: "leaves the package"},
		{name: "symlink out then write through it",
			entries: []tarEntry{{name: "link", typ: tar.TypeSymlink, link: "/tmp"}, {name: "link/evil.js", typ: tar.TypeReg, body: "x"}},
			files:   []string{"link/evil.js"}, notes: 1},
		{name: "hard link", entries: []tarEntry{{name: "h", typ: tar.TypeLink, link: "/etc/passwd"}}, absent: []string{"h"}, notes: 1},
		{name: "device", entries: []tarEntry{{name: "dev", typ: tar.TypeChar}, {name: "fifo", typ: tar.TypeFifo}}, absent: []string{"dev", "fifo"}, notes: 2},
		{name: "too large", opts: untarOptions{maxBytes: 10},
			entries: []tarEntry{{name: "a.js", typ: tar.TypeReg, body: "123456"}, {name: "b.js", typ: tar.TypeReg, body: "123456"}}, err: "too large"},
		{name: "too many files", opts: untarOptions{maxFiles: 1},
			entries: []tarEntry{{name: "a.js", typ: tar.TypeReg, body: "1"}, {name: "b.js", typ: tar.TypeReg, body: "1"}}, err: "too large"},
		{name: "duplicate", entries: []tarEntry{{name: "a.js", typ: tar.TypeReg, body: "1"}, {name: "a.js", typ: tar.TypeReg, body: "2"}}, err: "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var notes []string
			tt.opts.skipNotes = &notes
			err := untar(bytes.NewReader(makeTar(t, tt.entries)), dir, tt.opts)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				if tt.err == "too large" && !errors.Is(err, ErrTooLarge) {
					t.Errorf("%v does not wrap ErrTooLarge", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range tt.files {
				st, err := os.Lstat(filepath.Join(dir, f))
				if err != nil || !st.Mode().IsRegular() {
					t.Errorf("%s: not a regular file (%v)", f, err)
				}
			}
			for _, f := range tt.absent {
				if _, err := os.Lstat(filepath.Join(dir, f)); err == nil {
					t.Errorf("%s was created", f)
				}
			}
			if len(notes) != tt.notes {
				t.Errorf("notes = %q, want %d", notes, tt.notes)
			}
			// Nothing may exist outside dir: every path under dir is a
			// directory or a regular file.
			filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
				if err == nil && !info.IsDir() && !info.Mode().IsRegular() {
					t.Errorf("%s is %v", p, info.Mode())
				}
				return nil
			})
		})
	}
}

func TestUntarNotGzip(t *testing.T) {
	err := untar(strings.NewReader("this is not an archive"), t.TempDir(), untarOptions{gzip: true})
	if err == nil || !strings.Contains(err.Error(), "not a gzip archive") {
		t.Errorf("err = %v", err)
	}
	err = untar(strings.NewReader(strings.Repeat("garbage!", 200)), t.TempDir(), untarOptions{})
	if err == nil {
		t.Error("garbage accepted as a tar")
	}
}

package factstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/lang/golang"
	"github.com/mcpriv/mcpriv/analysis/lang/jsts"
	"github.com/mcpriv/mcpriv/analysis/lang/python"
	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// extracted returns the facts of every fixture server file, with hashes.
func extracted(t *testing.T) []*facts.File {
	t.Helper()
	var out []*facts.File
	root := filepath.Join("..", "..", "testdata", "servers")
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		lang := source.DetectLang(p)
		if lang == "" {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		tree, err := parse.Parse(context.Background(), lang, src, nil)
		if err != nil {
			return err
		}
		defer tree.Close()
		rel := filepath.ToSlash(strings.TrimPrefix(p, root+string(filepath.Separator)))
		var f *facts.File
		switch lang.Family() {
		case "js":
			f, err = jsts.Extract(rel, lang, src, tree)
		case "python":
			f, err = python.Extract(rel, src, tree)
		case "go":
			f, err = golang.Extract(rel, src, tree)
		}
		if err != nil {
			return err
		}
		sum := sha256.Sum256(src)
		f.Hash = hex.EncodeToString(sum[:])
		out = append(out, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 5 {
		t.Fatalf("only %d fixture files", len(out))
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	s, err := Open(t.TempDir(), Salt([]byte("rules-a")))
	if err != nil {
		t.Fatal(err)
	}
	files := extracted(t)
	calls := 0
	for _, f := range files {
		if got, err := s.Get(f.Path, f.Lang, f.Hash); got != nil || err != nil {
			t.Fatalf("%s: before Put: %v, %v", f.Path, got, err)
		}
		if err := s.Put(f); err != nil {
			t.Fatal(err)
		}
		calls += len(f.Calls)
	}
	if calls == 0 {
		t.Fatal("the fixtures have no calls: the round trip proves nothing")
	}
	for _, f := range files {
		got, err := s.Get(f.Path, f.Lang, f.Hash)
		if err != nil || got == nil {
			t.Fatalf("%s: %v, %v", f.Path, got, err)
		}
		if d := diff(reflect.ValueOf(f).Elem(), reflect.ValueOf(got).Elem(), "File"); d != "" {
			t.Errorf("%s: stored facts differ: %s", f.Path, d)
		}
	}
}

func TestKeyParts(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir, Salt([]byte("rules-a")))
	f := extracted(t)[0]
	if err := s.Put(f); err != nil {
		t.Fatal(err)
	}
	other, _ := Open(dir, Salt([]byte("rules-b")))
	for name, get := range map[string]func() (*facts.File, error){
		"another rule set": func() (*facts.File, error) { return other.Get(f.Path, f.Lang, f.Hash) },
		"another path":     func() (*facts.File, error) { return s.Get(f.Path+"x", f.Lang, f.Hash) },
		"another hash":     func() (*facts.File, error) { return s.Get(f.Path, f.Lang, strings.Repeat("0", 64)) },
		"another language": func() (*facts.File, error) { return s.Get(f.Path, source.Python, f.Hash) },
	} {
		if got, err := get(); got != nil || err != nil {
			t.Errorf("%s: want a miss, got %v, %v", name, got, err)
		}
	}
}

// TestCorrupt damages a stored entry in every way a disk or another program
// could, and expects ErrCorrupt, never facts.
func TestCorrupt(t *testing.T) {
	files := extracted(t)
	f, g := files[0], files[1]
	for name, damage := range map[string]func(entry string, s *Store) error{
		"truncated": func(p string, _ *Store) error {
			data, _ := os.ReadFile(p)
			return os.WriteFile(p, data[:len(data)/2], 0o644)
		},
		"empty": func(p string, _ *Store) error { return os.WriteFile(p, nil, 0o644) },
		"flipped byte": func(p string, _ *Store) error {
			data, _ := os.ReadFile(p)
			data[len(data)-3] ^= 0x40
			return os.WriteFile(p, data, 0o644)
		},
		"appended": func(p string, _ *Store) error {
			data, _ := os.ReadFile(p)
			return os.WriteFile(p, append(data, 0), 0o644)
		},
		"not an entry": func(p string, _ *Store) error { return os.WriteFile(p, []byte("hello, world\n"), 0o644) },
		"checksummed garbage": func(p string, _ *Store) error {
			data, _ := os.ReadFile(p)
			payload := []byte(strings.Repeat("\xff", 40))
			return os.WriteFile(p, reheader(data[:headerLen], payload), 0o644)
		},
		"another file's entry": func(p string, s *Store) error {
			data, err := os.ReadFile(s.file(s.key(g.Path, g.Lang, g.Hash)))
			if err != nil {
				return err
			}
			return os.WriteFile(p, data, 0o644)
		},
	} {
		t.Run(name, func(t *testing.T) {
			s, _ := Open(t.TempDir(), Salt())
			if err := s.Put(f); err != nil {
				t.Fatal(err)
			}
			if err := s.Put(g); err != nil {
				t.Fatal(err)
			}
			if err := damage(s.file(s.key(f.Path, f.Lang, f.Hash)), s); err != nil {
				t.Fatal(err)
			}
			got, err := s.Get(f.Path, f.Lang, f.Hash)
			if got != nil || !errors.Is(err, ErrCorrupt) {
				t.Fatalf("want ErrCorrupt, got %v, %v", got, err)
			}
			// Put overwrites a damaged entry.
			if err := s.Put(f); err != nil {
				t.Fatal(err)
			}
			if got, err := s.Get(f.Path, f.Lang, f.Hash); got == nil || err != nil {
				t.Fatalf("after Put: %v, %v", got, err)
			}
		})
	}
}

// reheader returns header (magic, length, checksum) rewritten for payload.
func reheader(header, payload []byte) []byte {
	out := append(append([]byte(nil), header...), payload...)
	n := uint64(len(payload))
	for i := 0; i < 8; i++ {
		out[len(magic)+i] = byte(n >> (8 * i))
	}
	sum := sha256.Sum256(payload)
	copy(out[len(magic)+8:], sum[:])
	return out
}

func TestSaltNamesTheCode(t *testing.T) {
	a, b := Salt([]byte("x")), Salt([]byte("y"))
	if string(a) == string(b) {
		t.Fatal("extra parts do not change the salt")
	}
	if string(Salt([]byte("x"))) != string(a) {
		t.Fatal("the salt is not stable")
	}
	if string(Salt([]byte("x"), nil)) == string(Salt([]byte("x"))) {
		t.Fatal("parts are not delimited")
	}
}

// diff compares two values field by field, treating nil and empty slices
// and maps as equal (gob does not keep the difference, and no reader of
// facts makes one); it returns the first difference's path, "" if none.
func diff(a, b reflect.Value, at string) string {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return at + ": nil on one side"
			}
			return ""
		}
		return diff(a.Elem(), b.Elem(), at)
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if d := diff(a.Field(i), b.Field(i), at+"."+a.Type().Field(i).Name); d != "" {
				return d
			}
		}
	case reflect.Slice:
		if a.Len() != b.Len() {
			return at + ": lengths differ"
		}
		for i := 0; i < a.Len(); i++ {
			if d := diff(a.Index(i), b.Index(i), at+"[]"); d != "" {
				return d
			}
		}
	case reflect.Map:
		if a.Len() != b.Len() {
			return at + ": sizes differ"
		}
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() {
				return at + ": key missing"
			}
			if d := diff(a.MapIndex(k), bv, at+"[key]"); d != "" {
				return d
			}
		}
	default:
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			return at + ": values differ"
		}
	}
	return ""
}

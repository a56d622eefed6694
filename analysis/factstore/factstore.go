// Package factstore keeps extracted facts on disk between runs, by content
// hash, so that a second scan of an unchanged tree parses nothing.
//
// An entry is found by a key over everything the facts depend on: the
// store's salt (the engine's version and the rule set's hash, given by the
// caller), the file's language, its path (facts name it) and the SHA-256 of
// its text. An entry is checked before it is trusted: its header, length
// and checksum must hold, and the decoded facts must carry the path,
// language and hash asked for. Anything else is ErrCorrupt, and the caller
// extracts the file again and overwrites the entry. Entries are written to
// a temporary file and renamed, so readers never see half an entry.
package factstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// ErrCorrupt is returned by Get for an entry that exists but cannot be
// trusted (truncated, altered, written by something else).
var ErrCorrupt = errors.New("corrupt facts cache entry")

// MaxEntry bounds the size of an entry read back (the facts of a file at
// the size limit are far smaller).
const MaxEntry = 256 << 20

// magic starts every entry; its last byte is the entry format's version.
var magic = [8]byte{'m', 'c', 'p', 'f', 'a', 'c', 't', 1}

// Store is a directory of entries. It is safe for concurrent use, also by
// several processes (writes are atomic renames).
type Store struct {
	dir  string
	salt [32]byte
}

// Open returns the store in dir (created if missing). salt must change
// whenever the facts of an unchanged text may change: see Salt.
func Open(dir string, salt []byte) (*Store, error) {
	if dir == "" {
		return nil, errors.New("factstore: no directory")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("facts cache: %w", err)
	}
	return &Store{dir: dir, salt: sha256.Sum256(salt)}, nil
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

// key names the entry of a file's facts.
func (s *Store) key(path string, lang source.Lang, hash string) string {
	h := sha256.New()
	h.Write(s.salt[:])
	for _, part := range []string{string(lang), path, hash} {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write([]byte(part))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (s *Store) file(key string) string { return filepath.Join(s.dir, key[:2], key[2:]) }

// Get returns the stored facts of the text with content hash hash at path,
// nil and no error when there are none, and ErrCorrupt (wrapped) when the
// entry cannot be trusted.
func (s *Store) Get(path string, lang source.Lang, hash string) (*facts.File, error) {
	p := s.file(s.key(path, lang, hash))
	fh, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, MaxEntry+1))
	if err != nil {
		return nil, err
	}
	f, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", p, ErrCorrupt, err)
	}
	if f.Path != path || f.Lang != lang || f.Hash != hash {
		return nil, fmt.Errorf("%s: %w: it holds the facts of another file", p, ErrCorrupt)
	}
	return f, nil
}

// Put stores f (its Path, Lang and Hash make the key).
func (s *Store) Put(f *facts.File) error {
	data, err := encode(f)
	if err != nil {
		return err
	}
	p := s.file(s.key(f.Path, f.Lang, f.Hash))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), p)
	}
	if werr != nil {
		os.Remove(tmp.Name())
	}
	return werr
}

// An entry is magic, the payload's length (8 bytes, little-endian), the
// payload's SHA-256, then the payload: the gob encoding of the facts.
const headerLen = len(magic) + 8 + sha256.Size

func encode(f *facts.File) ([]byte, error) {
	var b bytes.Buffer
	b.Write(make([]byte, headerLen))
	if err := gob.NewEncoder(&b).Encode(f); err != nil {
		return nil, err
	}
	data := b.Bytes()
	payload := data[headerLen:]
	copy(data, magic[:])
	binary.LittleEndian.PutUint64(data[len(magic):], uint64(len(payload)))
	sum := sha256.Sum256(payload)
	copy(data[len(magic)+8:], sum[:])
	return data, nil
}

func decode(data []byte) (*facts.File, error) {
	if len(data) < headerLen || !bytes.Equal(data[:len(magic)], magic[:]) {
		return nil, errors.New("bad header")
	}
	n := binary.LittleEndian.Uint64(data[len(magic):])
	payload := data[headerLen:]
	if uint64(len(payload)) != n {
		return nil, fmt.Errorf("%d bytes of payload, header says %d", len(payload), n)
	}
	if sum := sha256.Sum256(payload); !bytes.Equal(sum[:], data[len(magic)+8:headerLen]) {
		return nil, errors.New("checksum mismatch")
	}
	var f facts.File
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&f); err != nil {
		return nil, err
	}
	return &f, nil
}

// Salt returns the part of a store's salt that names the code: the facts
// version and the running executable's content hash (any rebuild of the
// extractors changes facts without a version bump in development), plus
// extra (the caller adds its rule set's hash and options that change facts).
func Salt(extra ...[]byte) []byte {
	h := sha256.New()
	fmt.Fprintf(h, "facts v%d\x00", facts.Version)
	h.Write(executableHash())
	for _, e := range extra {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(e)))
		h.Write(n[:])
		h.Write(e)
	}
	return h.Sum(nil)
}

var exeHash = sync.OnceValue(func() []byte {
	h := sha256.New()
	if p, err := os.Executable(); err == nil {
		if fh, err := os.Open(p); err == nil {
			_, err = io.Copy(h, fh)
			fh.Close()
			if err == nil {
				return h.Sum(nil)
			}
		}
	}
	// No readable executable: the build's module versions and settings are
	// the next best name of the code (a dirty development build may then
	// share entries with another; the facts version still guards formats).
	if bi, ok := debug.ReadBuildInfo(); ok {
		h.Write([]byte(bi.String()))
	}
	return h.Sum(nil)
})

func executableHash() []byte { return exeHash() }

package measure

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ErrTooLarge is returned when a package unpacks to more than the limit.
var ErrTooLarge = errors.New("too large")

// untarOptions bound an extraction.
type untarOptions struct {
	gzip      bool
	stripTop  bool  // drop the first path element (npm's "package/")
	maxBytes  int64 // total of regular files
	maxFiles  int
	skipNotes *[]string
}

// untar extracts a tar stream into dir, which must exist and be empty. The
// archive is hostile input: a name that leaves dir is an error (the whole
// package is refused); symbolic and hard links are never created (the
// engine does not follow links, and a link out of the tree must not exist);
// devices, FIFOs and other special entries are skipped; the total size of
// regular files is bounded.
func untar(r io.Reader, dir string, o untarOptions) error {
	if o.gzip {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return fmt.Errorf("not a gzip archive: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	note := func(format string, args ...any) {
		if o.skipNotes != nil && len(*o.skipNotes) < 20 {
			*o.skipNotes = append(*o.skipNotes, fmt.Sprintf(format, args...))
		}
	}
	tr := tar.NewReader(r)
	var total int64
	files := 0
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the archive: %w", err)
		}
		name := strings.ReplaceAll(h.Name, "\\", "/")
		if path.IsAbs(name) || hasDotDot(name) {
			return fmt.Errorf("archive entry %q leaves the package", h.Name)
		}
		name = path.Clean(name)
		if o.stripTop {
			_, rest, ok := strings.Cut(name, "/")
			if !ok {
				continue // the top directory itself, or a stray file beside it
			}
			name = rest
		}
		if name == "." || name == "" {
			continue
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg, tar.TypeRegA:
			files++
			if o.maxFiles > 0 && files > o.maxFiles {
				return fmt.Errorf("%w: more than %d files", ErrTooLarge, o.maxFiles)
			}
			if h.Size < 0 || (o.maxBytes > 0 && total+h.Size > o.maxBytes) {
				return fmt.Errorf("%w: more than %d bytes unpacked", ErrTooLarge, o.maxBytes)
			}
			total += h.Size
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			if err := writeEntry(target, tr, h.Size); err != nil {
				return err
			}
		case tar.TypeSymlink, tar.TypeLink:
			note("link %s not created", name)
		case tar.TypeXGlobalHeader, tar.TypeXHeader:
		default:
			note("special file %s (type %q) skipped", name, h.Typeflag)
		}
	}
}

func hasDotDot(name string) bool {
	for _, el := range strings.Split(name, "/") {
		if el == ".." {
			return true
		}
	}
	return false
}

// writeEntry writes exactly size bytes; O_EXCL refuses a second entry of
// the same name (which could otherwise replace a checked file).
func writeEntry(target string, r io.Reader, size int64) error {
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("archive holds %s twice", filepath.Base(target))
		}
		return err
	}
	n, err := io.Copy(f, io.LimitReader(r, size))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != size {
		err = fmt.Errorf("archive entry %s is truncated", filepath.Base(target))
	}
	return err
}

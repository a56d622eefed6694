package safefile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Replace writes data to path atomically: into a temporary file in the same
// directory, synced, then renamed over path, so a crash never leaves half a
// file and readers see the old or the new content. A rename replaces the
// name itself, never a link's target, and path is refused when it is a
// symbolic link or not a regular file. When existed, path must still hold
// old (an edit made while mcpriv ran is never overwritten, ErrChanged) and
// the new file keeps its permissions; else path must still be missing.
func Replace(path string, data, old []byte, existed bool) error {
	mode := fs.FileMode(0o644)
	st, err := os.Lstat(path)
	if err == nil {
		if err := writable(path, st); err != nil {
			return err
		}
	}
	switch {
	case err == nil && !existed:
		return fmt.Errorf("%s appeared while mcpriv ran: %w, not overwritten; run it again", path, ErrChanged)
	case err == nil:
		mode = st.Mode().Perm()
		cur, err := ReadNoFollow(path, int64(len(old))+1)
		if err != nil && !errors.Is(err, ErrTooLarge) {
			return err
		}
		if err != nil || !bytes.Equal(cur, old) {
			return fmt.Errorf("%s %w: not overwritten; run it again", path, ErrChanged)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return err
	case existed:
		return fmt.Errorf("%s was removed while mcpriv ran: %w, not written; run it again", path, ErrChanged)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	name := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(name)
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return err
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return err
	}
	syncDir(dir)
	return nil
}

// writable refuses to replace a link (it points the write elsewhere) or
// anything but a regular file.
func writable(path string, st fs.FileInfo) error {
	switch m := st.Mode(); {
	case m&fs.ModeSymlink != 0:
		return fmt.Errorf("refusing to write %s: it %w (mcpriv never writes through a link; replace it with a regular file)", path, ErrSymlink)
	case !m.IsRegular():
		return fmt.Errorf("refusing to write %s: %w (%s)", path, ErrNotRegular, kind(m))
	}
	return nil
}

// syncDir makes a rename in dir durable. Not every system can sync a
// directory; the rename itself has happened either way.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// CheckTarget refuses to write path on behalf of the workspace at root: path
// must not be a symbolic link or anything but a regular file (a missing file
// is fine), and its directory, with every link in it resolved, must lie
// inside root's (a workspace's link to a directory elsewhere would carry a
// write out of it).
func CheckTarget(root, path string) error {
	if st, err := os.Lstat(path); err == nil {
		if err := writable(path, st); err != nil {
			return err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	realDir, err := filepath.EvalSymlinks(filepath.Dir(path))
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(realRoot, realDir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return fmt.Errorf("refusing to write %s: its directory %s %w %s", path, realDir, ErrOutside, realRoot)
	}
	return nil
}

// Create creates or truncates path for writing a report: never through a
// symbolic link (a link the repository planted where the report goes would
// carry the write anywhere) and only a regular file (opening a pipe for
// writing would block).
func Create(path string) (*os.File, error) {
	if st, err := os.Lstat(path); err == nil {
		if err := writable(path, st); err != nil {
			return nil, err
		}
	}
	f, err := create(path)
	if err != nil {
		if isLoop(err) {
			return nil, fmt.Errorf("refusing to write %s: it %w", path, ErrSymlink)
		}
		return nil, err
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = fmt.Errorf("refusing to write %s: %w (%s)", path, ErrNotRegular, kind(st.Mode()))
		}
		return nil, err
	}
	return f, nil
}

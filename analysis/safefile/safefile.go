// Package safefile reads and writes files of the analysed workspace, which
// is hostile input: a name may be a symbolic link to /dev/zero or to a file
// outside the workspace, a named pipe, or a sparse file of many gigabytes.
//
// Read and ReadNoFollow are the one bounded, regular-file-only read of
// workspace files: the file's type and size are checked before it is opened
// (opening a pipe would block, reading a device never ends), opened
// non-blocking, checked again on the open descriptor (the name may have
// been replaced in between), and read through a limit (the file may grow).
// Replace is the one write: never through a symbolic link, through a
// temporary file in the same directory, synced and renamed over the old one.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Why a read or write was refused. Errors wrap one of these (and the
// os errors, such as fs.ErrNotExist, for a file that is missing).
var (
	ErrNotRegular = errors.New("not a regular file")
	ErrSymlink    = errors.New("is a symbolic link")
	ErrTooLarge   = errors.New("file is larger than the size limit")
	ErrOutside    = errors.New("is outside the workspace")
	ErrChanged    = errors.New("changed while mcpriv ran")
)

// Read returns the content of the regular file at path, refusing anything
// else (directories, pipes, devices, sockets) and files over max bytes.
// Symbolic links are followed; their target must be a regular file.
func Read(path string, max int64) ([]byte, error) { return read(path, max, true) }

// ReadNoFollow is Read for a name that must not be a symbolic link itself
// (the manifest): a link is refused with ErrSymlink.
func ReadNoFollow(path string, max int64) ([]byte, error) { return read(path, max, false) }

func read(path string, max int64, follow bool) ([]byte, error) {
	stat := os.Lstat
	if follow {
		stat = os.Stat
	}
	st, err := stat(path)
	if err != nil {
		return nil, err
	}
	if err := check(path, st, max); err != nil {
		return nil, err
	}
	f, err := open(path, follow)
	if err != nil {
		if !follow && isLoop(err) {
			return nil, fmt.Errorf("%s %w", path, ErrSymlink) // became a link after Lstat
		}
		return nil, err
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := check(path, st, max); err != nil { // replaced between the check and the open
		return nil, err
	}
	data := make([]byte, 0, st.Size()+1)
	data, err = readAll(io.LimitReader(f, max+1), data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > max { // grew after the check
		return nil, fmt.Errorf("%s: %w (more than %d bytes)", path, ErrTooLarge, max)
	}
	return data, nil
}

func check(path string, st fs.FileInfo, max int64) error {
	m := st.Mode()
	switch {
	case m&fs.ModeSymlink != 0:
		return fmt.Errorf("%s %w", path, ErrSymlink)
	case !m.IsRegular():
		return fmt.Errorf("%s: %w (%s)", path, ErrNotRegular, kind(m))
	case st.Size() > max:
		return fmt.Errorf("%s: %w (%d > %d bytes)", path, ErrTooLarge, st.Size(), max)
	}
	return nil
}

// kind names a file type for an error message.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a plain file: " + m.Type().String()
}

func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

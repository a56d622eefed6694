//go:build unix

package safefile

import (
	"errors"
	"os"
	"syscall"
)

// open opens path for reading without blocking (a name swapped for a pipe
// after the check must not hang the reader) and, unless follow, without
// following a symbolic link in its last element.
func open(path string, follow bool) (*os.File, error) {
	flags := os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_CLOEXEC
	if !follow {
		flags |= syscall.O_NOFOLLOW
	}
	return os.OpenFile(path, flags, 0)
}

func isLoop(err error) bool { return errors.Is(err, syscall.ELOOP) }

// create opens path for writing, truncated, without following a link in its
// last element or blocking on a pipe.
func create(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0o644)
}

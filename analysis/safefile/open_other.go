//go:build !unix

package safefile

import "os"

// open opens path for reading; the checks before and after it (Lstat, then
// Stat on the descriptor) stand in for the flags these systems lack.
func open(path string, follow bool) (*os.File, error) { return os.Open(path) }

func isLoop(error) bool { return false }

func create(path string) (*os.File, error) { return os.Create(path) }

package fsx

import "os"

// Load reads a whole file.
func Load(p string) ([]byte, error) {
	return os.ReadFile(p)
}

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// projectRoot is the directory the server may touch, set once at start-up.
var projectRoot string

func setRoot(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	projectRoot = abs
	return nil
}

// projectPath resolves a tool's path argument inside projectRoot.
func projectPath(rel string) (string, error) {
	p := filepath.Join(projectRoot, filepath.Clean("/"+rel))
	if p != projectRoot && !strings.HasPrefix(p, projectRoot+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is outside the project", rel)
	}
	return p, nil
}

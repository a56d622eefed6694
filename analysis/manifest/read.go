package manifest

import (
	"errors"
	"io/fs"

	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/safefile"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// ReadFile reads the manifest at path for the CLI and the language server:
// bounded by MaxSize, and only a regular file that is not a symbolic link
// (a link could point the reader at /dev/zero, a pipe or a secret outside
// the workspace, and the writer through it). exists is false, with no
// error, when there is no file; a file that is there but refused gives
// exists and the error (Unreadable turns it into a finding).
func ReadFile(path string) (data []byte, exists bool, err error) {
	data, err = safefile.ReadNoFollow(path, MaxSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	return data, true, nil
}

// Unreadable returns a broken manifest and its invalid-manifest finding for
// a manifest that exists but could not be read: it governs its files, which
// then count as having no manifest, and `mcpriv manifest --check` fails.
func Unreadable(path string, err error) (*Manifest, []finding.Finding) {
	p := &parser{path: path, lines: source.NewLines(nil)}
	p.errorAt(0, 0, "cannot read the manifest: "+err.Error())
	return &Manifest{Path: path, Version: 1, Broken: true}, p.errs
}

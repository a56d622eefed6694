package engine

import (
	"context"
	"errors"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/lang"
	"github.com/mcpriv/mcpriv/analysis/modules"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// Scan analyses every file under root (a directory or one file): files in
// parallel, then the index, then the manifest checks and the policy. Paths in
// the result are relative to root (to root's directory for a single file).
func (e *Engine) Scan(ctx context.Context, root string, progress func(done, total int)) (*finding.Result, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	paths, notes, walked, err := e.files(ctx, abs)
	if err != nil {
		return nil, err
	}
	base := abs
	if st, err := os.Stat(abs); err == nil && !st.IsDir() {
		base = filepath.Dir(abs)
	}
	rel := func(p string) string {
		r, err := filepath.Rel(base, p)
		if err != nil {
			return filepath.ToSlash(p)
		}
		return filepath.ToSlash(r)
	}

	type slot struct {
		f     *facts.File
		src   []byte
		full  bool
		err   error
		bytes int64
	}
	slots := make([]slot, len(paths))
	var done atomic.Int64
	total := len(paths)
	sizes := make([]int64, len(paths))
	for i := range paths {
		if n, ok := walked[paths[i]]; ok {
			sizes[i] = n
		} else if st, err := os.Stat(paths[i]); err == nil {
			sizes[i] = st.Size()
		}
	}
	// Files stream through: only their facts stay, and the bytes between
	// read and facts are bounded, whatever the number of jobs.
	budget := e.budget
	run := func(idx []int, full bool) {
		jobs := make(chan int)
		var wg sync.WaitGroup
		for w := 0; w < e.opts.Jobs; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range jobs {
					s := &slots[i]
					if ctx.Err() == nil {
						e.jobs <- struct{}{}
						held := budget.acquire(sizes[i])
						if s.src == nil && s.err == nil {
							s.src, s.err = source.ReadFile(paths[i], e.opts.MaxFileSize)
							s.bytes = int64(len(s.src))
						}
						if s.err == nil {
							f, err := e.extract(ctx, rel(paths[i]), s.src, full)
							switch {
							case errors.Is(err, errPrefiltered):
								s.f, s.full = f, false
								s.src = nil // re-read if the file turns out to be needed
							case f != nil:
								s.f, s.full, s.err = f, true, err
								s.src = nil // the text is no longer needed
							default:
								s.err = err
							}
						}
						budget.release(held)
						<-e.jobs
					}
					if !full && progress != nil {
						progress(int(done.Add(1)), total)
					}
				}
			}()
		}
		for _, i := range idx {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
	}
	// Largest first: a big bundle started last would leave the other cores idle.
	all := make([]int, len(paths))
	for i := range all {
		all[i] = i
	}
	sort.SliceStable(all, func(a, b int) bool { return sizes[all[a]] > sizes[all[b]] })
	run(all, false)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// Files the pre-filter skipped matter when the call graph leads into them:
	// parse those, then link again, until nothing new is needed. No bound on
	// the rounds (a chain of imports through files with no sensitive call is
	// followed to its end: a cut would drop the calls behind it silently);
	// each file is asked for once, so this ends.
	asked := make([]bool, len(slots))
	for {
		var need []int
		wanted := e.neededFiles(abs, slotsFacts(len(slots), func(i int) (*facts.File, bool) { return slots[i].f, slots[i].full }))
		for i := range slots {
			if slots[i].f != nil && !slots[i].full && !asked[i] && wanted(slots[i].f.Path) {
				need = append(need, i)
				asked[i] = true
			}
		}
		if len(need) == 0 {
			break
		}
		run(need, true)
	}

	var files []*facts.File
	var missed []finding.FileError // files not (fully) analysed
	res := &finding.Result{Root: root}
	for i := range slots {
		s := &slots[i]
		res.Bytes += s.bytes
		if s.f != nil {
			files = append(files, s.f)
			res.Files++
		}
		if s.err != nil {
			// The file is named by the entry: drop the absolute path errors start with.
			msg := strings.TrimPrefix(s.err.Error(), paths[i]+": ")
			msg = strings.TrimPrefix(msg, rel(paths[i])+": ")
			fe := finding.FileError{File: rel(paths[i]), Message: msg, Skipped: isSkip(s.err)}
			res.Errors = append(res.Errors, fe)
			if note := (*storeNote)(nil); !errors.As(s.err, &note) {
				missed = append(missed, fe) // a cache notice comes with good facts
			}
		}
	}
	linked := e.link(abs, files)
	res.Findings, res.Tools, res.Suppressed = linked.Findings, linked.Tools, linked.Suppressed
	res.Errors = append(res.Errors, linked.Errors...)
	for _, n := range notes {
		res.Errors = append(res.Errors, n)
	}
	missed = append(append(missed, linked.Errors...), notes...)
	sort.SliceStable(res.Errors, func(i, j int) bool { return res.Errors[i].File < res.Errors[j].File })
	sort.SliceStable(missed, func(i, j int) bool { return missed[i].File < missed[j].File })
	res.Findings = append(res.Findings, finding.Skipped(missed)...)
	e.Check(abs, res, nil)
	return res, nil
}

func slotsFacts(n int, at func(int) (*facts.File, bool)) []*facts.File {
	out := make([]*facts.File, 0, n)
	for i := 0; i < n; i++ {
		if f, full := at(i); f != nil && full {
			out = append(out, f)
		}
	}
	return out
}

// neededFiles returns a test for the paths of files that extracted files
// lead into: project modules they import, and the other files of every
// package-wide directory (Go) with an extracted file and of the module's
// packages it imports (a package of tool-name constants mentions no rule's
// words, yet its constants name the tools). A Go registration helper
// naming its tools by a parameter (facts.ToolTable without NameProp) needs
// every Go file: its callers name the tools, and a caller need mention no
// rule's words.
func (e *Engine) neededFiles(root string, files []*facts.File) func(string) bool {
	need := map[string]bool{}
	pkgDirs := map[string]bool{}
	helpers := false
	// Absolute imports that name project modules by dotted name (Python's
	// from pkg.tools import run): a file is needed when one of its names is.
	modNames := map[string]bool{}
	for _, f := range files {
		x := lang.For(f.Lang)
		if x == nil {
			continue
		}
		dir := path.Dir(f.Path)
		if x.PackageWide() {
			for _, t := range f.Tools {
				helpers = helpers || t.Table != nil && t.Table.Name == "" && t.Table.NameProp == ""
			}
			pkgDirs[dir] = true
			for _, d := range e.goImportedDirs(root, f) {
				pkgDirs[d] = true
			}
			continue
		}
		for _, imp := range f.Imports {
			files, names := x.ImportNeeds(dir, imp)
			for _, c := range files {
				need[c] = true
			}
			for _, n := range names {
				modNames[n] = true
			}
		}
	}
	return func(p string) bool {
		if x := lang.For(source.DetectLang(p)); x != nil && x.PackageWide() {
			return helpers || pkgDirs[path.Dir(p)]
		}
		if need[p] {
			return true
		}
		if x := lang.For(source.DetectLang(p)); x != nil && len(modNames) > 0 {
			for _, n := range x.ModuleNames(p) {
				if modNames[n] {
					return true
				}
			}
		}
		return false
	}
}

// goImportedDirs are the directories (in the facts' spelling of paths) of
// the packages of f's module that f imports.
func (e *Engine) goImportedDirs(root string, f *facts.File) []string {
	m := e.gomod.Lookup(modules.GoDir(root, f.Path))
	if m.Path == "" {
		return nil
	}
	var out []string
	for _, imp := range f.Imports {
		sub, ok := strings.CutPrefix(imp.Spec, m.Path)
		if !ok || (sub != "" && sub[0] != '/') {
			continue
		}
		target := filepath.Join(m.Dir, filepath.FromSlash(strings.TrimPrefix(sub, "/")))
		if filepath.IsAbs(filepath.FromSlash(f.Path)) {
			out = append(out, filepath.ToSlash(target))
			continue
		}
		if rel, err := filepath.Rel(root, target); err == nil {
			out = append(out, filepath.ToSlash(rel))
		}
	}
	return out
}

func isSkip(err error) bool {
	var note *storeNote
	return errors.Is(err, source.ErrTooLarge) || errors.Is(err, source.ErrBinary) || errors.As(err, &note)
}

package measure

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Fetcher brings one entry's source tree onto the disk.
type Fetcher interface {
	// Fetch returns the directory to analyse and its content address ("" for
	// a local directory analysed in place). An error wrapping ErrTooLarge is
	// recorded as too large; any other as a failed download.
	Fetch(ctx context.Context, e Entry) (dir, digest string, err error)
}

// Cache is the content-addressed download cache:
//
//	blobs/sha256/HEX     downloaded archives (npm tarballs, git archives)
//	trees/HEX/           their unpacked trees, renamed into place when complete
//	refs/HEX.json        entry ID (hashed) → the archive's digest, so a rerun needs no network
//	gomod/               GOMODCACHE for go: entries (the module cache is content-verified itself)
//
// Two entries with the same archive share one tree; an interrupted fetch
// leaves only temporary files, removed on the next fetch of the entry.
type Cache struct {
	Dir string
	// MaxBytes bounds an unpacked tree (0: no bound).
	MaxBytes int64
	// Timeout bounds each download process (0: none).
	Timeout time.Duration
	// NPM and Git are the programs run ("npm", "git" when empty).
	NPM, Git, Go string
}

type ref struct {
	ID     string `json:"id"`
	Digest string `json:"digest"`
	Dir    string `json:"dir,omitempty"` // go: the module cache's directory
}

func (c *Cache) refPath(id string) string {
	sum := sha256.Sum256([]byte(id))
	return filepath.Join(c.Dir, "refs", hex.EncodeToString(sum[:])+".json")
}

func (c *Cache) readRef(id string) (ref, bool) {
	var r ref
	data, err := os.ReadFile(c.refPath(id))
	if err != nil || json.Unmarshal(data, &r) != nil || r.ID != id || r.Digest == "" {
		return ref{}, false
	}
	return r, true
}

func (c *Cache) writeRef(r ref) error {
	data, _ := json.Marshal(r)
	return writeAtomic(c.refPath(r.ID), data)
}

func (c *Cache) treeDir(digest string) string {
	return filepath.Join(c.Dir, "trees", strings.TrimPrefix(digest, "sha256:"))
}

// Fetch implements Fetcher for every source kind.
func (c *Cache) Fetch(ctx context.Context, e Entry) (string, string, error) {
	if e.Source == SourceDir {
		st, err := os.Stat(e.Name)
		if err != nil {
			return "", "", err
		}
		if !st.IsDir() {
			return "", "", fmt.Errorf("%s is not a directory", e.Name)
		}
		return e.Name, "", nil
	}
	if r, ok := c.readRef(e.ID); ok {
		dir := r.Dir
		if dir == "" {
			dir = c.treeDir(r.Digest)
		}
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return subdir(dir, e.Subdir), r.Digest, nil
		}
	}
	var r ref
	var err error
	switch e.Source {
	case SourceNPM:
		r, err = c.fetchNPM(ctx, e)
	case SourceGo:
		r, err = c.fetchGo(ctx, e)
	case SourceGit:
		r, err = c.fetchGit(ctx, e)
	default:
		err = fmt.Errorf("unknown source %q", e.Source)
	}
	if err != nil {
		return "", "", err
	}
	if err := c.writeRef(r); err != nil {
		return "", "", err
	}
	dir := r.Dir
	if dir == "" {
		dir = c.treeDir(r.Digest)
	}
	return subdir(dir, e.Subdir), r.Digest, nil
}

func subdir(dir, sub string) string {
	if sub == "" {
		return dir
	}
	return filepath.Join(dir, filepath.FromSlash(sub))
}

// fetchNPM runs `npm pack NAME@VERSION` (it downloads the tarball and runs
// no package script; --ignore-scripts makes sure) and unpacks it.
func (c *Cache) fetchNPM(ctx context.Context, e Entry) (ref, error) {
	tmp, err := os.MkdirTemp(c.mkdir("tmp"), "npm-")
	if err != nil {
		return ref{}, err
	}
	defer os.RemoveAll(tmp)
	out, err := c.run(ctx, tmp, nil, or(c.NPM, "npm"), "pack", "--ignore-scripts", "--json", "--silent",
		"--pack-destination", tmp, e.Name+"@"+e.Version)
	if err != nil {
		return ref{}, err
	}
	var packed []struct {
		Filename string `json:"filename"`
	}
	if err := json.Unmarshal(out, &packed); err != nil || len(packed) != 1 || packed[0].Filename == "" {
		return ref{}, fmt.Errorf("npm pack printed no tarball name: %s", firstLine(out))
	}
	tgz := filepath.Join(tmp, filepath.Base(packed[0].Filename))
	digest, err := c.store(tgz)
	if err != nil {
		return ref{}, err
	}
	return ref{ID: e.ID, Digest: digest}, c.unpack(digest, untarOptions{gzip: true, stripTop: true})
}

// fetchGo runs `go mod download -json MODULE@VERSION` into the cache's own
// module cache. The go command verifies the module against the checksum
// database and unpacks it read-only; it runs no module code.
func (c *Cache) fetchGo(ctx context.Context, e Entry) (ref, error) {
	env := []string{"GOMODCACHE=" + c.mkdir("gomod"), "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "GO111MODULE=on"}
	out, err := c.run(ctx, c.mkdir("tmp"), env, or(c.Go, "go"), "mod", "download", "-json", e.Name+"@"+e.Version)
	var info struct {
		Dir, Sum, Error string
	}
	if jerr := json.Unmarshal(out, &info); jerr == nil && info.Error != "" {
		return ref{}, errors.New(info.Error)
	}
	if err != nil {
		return ref{}, err
	}
	if info.Dir == "" || info.Sum == "" {
		return ref{}, fmt.Errorf("go mod download printed no directory: %s", firstLine(out))
	}
	return ref{ID: e.ID, Digest: "go:" + info.Sum, Dir: info.Dir}, nil
}

// fetchGit archives REV of a local git directory (`git archive`, which
// checks nothing out and runs no hook) and unpacks it.
func (c *Cache) fetchGit(ctx context.Context, e Entry) (ref, error) {
	gitDir, err := findGitDir(e.Name)
	if err != nil {
		return ref{}, err
	}
	tmp, err := os.MkdirTemp(c.mkdir("tmp"), "git-")
	if err != nil {
		return ref{}, err
	}
	defer os.RemoveAll(tmp)
	git := or(c.Git, "git")
	out, err := c.run(ctx, tmp, nil, git, "--git-dir="+gitDir, "rev-parse", "--verify", "--end-of-options", e.Version+"^{commit}")
	if err != nil {
		return ref{}, err
	}
	commit := strings.TrimSpace(string(out))
	archive := func(excludes []string) error {
		args := []string{"--git-dir=" + gitDir, "archive", "--format=tar", "-o", filepath.Join(tmp, "src.tar"), commit, "--"}
		if e.Subdir != "" {
			args = append(args, e.Subdir)
		} else {
			args = append(args, ".")
		}
		for _, x := range excludes {
			args = append(args, ":(exclude,literal)"+x)
		}
		_, err := c.run(ctx, tmp, nil, git, args...)
		return err
	}
	if err := archive(nil); err != nil {
		// A partial snapshot (large blobs left out) cannot be archived
		// whole: archive what it holds, without the absent files.
		missing, lerr := c.missingBlobs(ctx, tmp, gitDir, commit, e.Subdir)
		if lerr != nil || len(missing) == 0 || len(missing) > 2000 {
			return ref{}, err
		}
		if err := archive(missing); err != nil {
			return ref{}, err
		}
	}
	digest, err := c.store(filepath.Join(tmp, "src.tar"))
	if err != nil {
		return ref{}, err
	}
	return ref{ID: e.ID, Digest: digest}, c.unpack(digest, untarOptions{})
}

// missingBlobs lists the files of commit (under sub) whose blobs the
// repository does not hold.
func (c *Cache) missingBlobs(ctx context.Context, tmp, gitDir, commit, sub string) ([]string, error) {
	args := []string{"--git-dir=" + gitDir, "ls-tree", "-r", "-z", "--full-tree", commit}
	if sub != "" {
		args = append(args, "--", sub)
	}
	out, err := c.run(ctx, tmp, nil, or(c.Git, "git"), args...)
	if err != nil {
		return nil, err
	}
	var names, ids []string
	for _, rec := range strings.Split(string(out), "\x00") {
		meta, name, ok := strings.Cut(rec, "\t")
		f := strings.Fields(meta)
		if ok && len(f) == 3 && f[1] == "blob" {
			names = append(names, name)
			ids = append(ids, f[2])
		}
	}
	// One batch-check answers "ID missing" or "ID blob SIZE" per line, in order.
	out, err = c.runInput(ctx, tmp, nil, []byte(strings.Join(ids, "\n")+"\n"), or(c.Git, "git"), "--git-dir="+gitDir, "cat-file", "--batch-check")
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != len(ids) {
		return nil, fmt.Errorf("git cat-file answered %d of %d objects", len(lines), len(ids))
	}
	var missing []string
	for i, l := range lines {
		if strings.HasSuffix(l, " missing") {
			missing = append(missing, names[i])
		}
	}
	return missing, nil
}

// findGitDir accepts a bare repository, a work tree with .git, or a
// snapshot directory holding exactly one of those.
func findGitDir(dir string) (string, error) {
	isGit := func(d string) bool {
		st, err := os.Stat(filepath.Join(d, "objects"))
		_, herr := os.Stat(filepath.Join(d, "HEAD"))
		return err == nil && st.IsDir() && herr == nil
	}
	for _, d := range []string{dir, filepath.Join(dir, ".git")} {
		if isGit(d) {
			return d, nil
		}
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var found []string
	for _, en := range ents {
		for _, d := range []string{filepath.Join(dir, en.Name()), filepath.Join(dir, en.Name(), ".git")} {
			if en.IsDir() && isGit(d) {
				found = append(found, d)
				break
			}
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("%s is not a git directory", dir)
	}
	return found[0], nil
}

// store moves a downloaded archive to blobs/sha256/HEX and returns its digest.
func (c *Cache) store(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	_, err = io.Copy(h, f)
	f.Close()
	if err != nil {
		return "", err
	}
	hexsum := hex.EncodeToString(h.Sum(nil))
	blob := filepath.Join(c.mkdir("blobs", "sha256"), hexsum)
	if err := os.Rename(file, blob); err != nil {
		return "", err
	}
	return "sha256:" + hexsum, nil
}

// unpack extracts the blob of digest into its tree unless it is there.
func (c *Cache) unpack(digest string, o untarOptions) error {
	tree := c.treeDir(digest)
	if _, err := os.Stat(tree); err == nil {
		return nil
	}
	blob := filepath.Join(c.Dir, "blobs", "sha256", strings.TrimPrefix(digest, "sha256:"))
	f, err := os.Open(blob)
	if err != nil {
		return err
	}
	defer f.Close()
	tmp, err := os.MkdirTemp(c.mkdir("trees"), ".part-")
	if err != nil {
		return err
	}
	o.maxBytes = c.MaxBytes
	o.maxFiles = 200000
	if err := untar(f, tmp, o); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := os.Rename(tmp, tree); err != nil {
		os.RemoveAll(tmp)
		if _, serr := os.Stat(tree); serr == nil {
			return nil // a concurrent fetch of the same archive won
		}
		return err
	}
	return nil
}

func (c *Cache) mkdir(elem ...string) string {
	d := filepath.Join(append([]string{c.Dir}, elem...)...)
	os.MkdirAll(d, 0o755)
	return d
}

// run starts a download program in its own process group, bounded by the
// cache's timeout; on cancellation the whole group is killed.
func (c *Cache) run(ctx context.Context, dir string, env []string, name string, args ...string) ([]byte, error) {
	return c.runInput(ctx, dir, env, nil, name, args...)
}

func (c *Cache) runInput(ctx context.Context, dir string, env []string, stdin []byte, name string, args ...string) ([]byte, error) {
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Env = append(cmd.Env, "npm_config_ignore_scripts=true", "npm_config_update_notifier=false",
		"npm_config_fund=false", "npm_config_audit=false", "GIT_TERMINAL_PROMPT=0")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	cmd.Stdout = &limitedBuffer{b: &stdout, n: 16 << 20}
	cmd.Stderr = &limitedBuffer{b: &stderr, n: 64 << 10}
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return stdout.Bytes(), fmt.Errorf("%s timed out after %s", filepath.Base(name), c.Timeout)
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = firstLine(stdout.Bytes())
		}
		return stdout.Bytes(), fmt.Errorf("%s %s: %v: %s", filepath.Base(name), args[0], err, lastLines(msg, 3))
	}
	return stdout.Bytes(), nil
}

type limitedBuffer struct {
	b *bytes.Buffer
	n int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.n - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	s = strings.Join(lines, " | ")
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}

// writeAtomic writes a file through a temporary name, so a reader never
// sees half of it.
func writeAtomic(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

package measure

import (
	"archive/zip"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGitFetch archives a local repository at a revision and a subpath (a
// directory, then a single file) into the cache; a second fetch needs no
// git at all (the ref is cached).
func TestGitFetch(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("git is missing")
		}
		t.Skip("git is missing")
	}
	repo := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(git, args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("init", "-q")
	os.MkdirAll(filepath.Join(repo, "srv", "src"), 0o755)
	os.WriteFile(filepath.Join(repo, "srv", "src", "index.js"), []byte("v1\n"), 0o644)
	os.WriteFile(filepath.Join(repo, "top.py"), []byte("x = 1\n"), 0o644)
	run("add", ".")
	run("commit", "-qm", "one")
	run("tag", "v1")
	os.WriteFile(filepath.Join(repo, "srv", "src", "index.js"), []byte("v2\n"), 0o644)
	run("commit", "-qam", "two")

	c := &Cache{Dir: t.TempDir(), MaxBytes: 1 << 20}
	for _, tc := range []struct{ line, file, want string }{
		{"git:" + repo + "@v1:srv", "src/index.js", "v1\n"},
		{"git:" + repo + ":srv", "src/index.js", "v2\n"},
		{"git:" + repo, "top.py", "x = 1\n"},
		{"git:" + repo + "@v1:srv/src/index.js", "", "v1\n"},
	} {
		e, err := ParseEntry(tc.line)
		if err != nil {
			t.Fatal(err)
		}
		dir, digest, err := c.Fetch(context.Background(), e)
		if err != nil {
			t.Fatalf("%s: %v", tc.line, err)
		}
		if !strings.HasPrefix(digest, "sha256:") || !strings.HasPrefix(dir, c.Dir) {
			t.Errorf("%s: dir %s digest %s", tc.line, dir, digest)
		}
		got, err := os.ReadFile(filepath.Join(dir, tc.file))
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: %s = %q, %v; want %q", tc.line, tc.file, got, err, tc.want)
		}
		// Cached: works with git gone.
		c2 := *c
		c2.Git = "/nonexistent/git"
		if dir2, _, err := c2.Fetch(context.Background(), e); err != nil || dir2 != dir {
			t.Errorf("%s: second fetch %s, %v", tc.line, dir2, err)
		}
	}
	if _, _, err := c.Fetch(context.Background(), Entry{ID: "git:" + repo + "@nope", Source: SourceGit, Name: repo, Version: "nope"}); err == nil {
		t.Error("an unknown revision was fetched")
	}
	if _, _, err := c.Fetch(context.Background(), Entry{ID: "git:/nonexistent@HEAD", Source: SourceGit, Name: "/nonexistent", Version: "HEAD"}); err == nil {
		t.Error("a missing repository was fetched")
	}
}

// TestGoFetch downloads a module from a file:// module proxy (no network)
// into the cache's own module cache, at a subdirectory; a second fetch
// needs no go command (the ref is cached).
func TestGoFetch(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("go is missing") // the tests run under the go command
	}
	proxy := t.TempDir()
	const mod, ver = "example.com/mcpsrv", "v1.2.0"
	vdir := filepath.Join(proxy, mod, "@v")
	os.MkdirAll(vdir, 0o755)
	gomod := "module " + mod + "\n\ngo 1.22\n"
	os.WriteFile(filepath.Join(vdir, "list"), []byte(ver+"\n"), 0o644)
	os.WriteFile(filepath.Join(vdir, ver+".info"), []byte(`{"Version":"`+ver+`","Time":"2026-01-01T00:00:00Z"}`), 0o644)
	os.WriteFile(filepath.Join(vdir, ver+".mod"), []byte(gomod), 0o644)
	zf, _ := os.Create(filepath.Join(vdir, ver+".zip"))
	zw := zip.NewWriter(zf)
	for name, body := range map[string]string{
		"go.mod":             gomod,
		"cmd/server/main.go": "package main\n\nimport \"os/exec\"\n\nfunc main() { exec.Command(\"ls\").Run() }\n",
	} {
		w, _ := zw.Create(mod + "@" + ver + "/" + name)
		w.Write([]byte(body))
	}
	zw.Close()
	zf.Close()
	t.Setenv("GOPROXY", "file://"+filepath.ToSlash(proxy))
	t.Setenv("GOSUMDB", "off")
	t.Setenv("GOFLAGS", "")

	c := &Cache{Dir: t.TempDir(), Go: goBin}
	e, err := ParseEntry("go:" + mod + "@" + ver + "/cmd/server")
	if err != nil {
		t.Fatal(err)
	}
	dir, digest, err := c.Fetch(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(digest, "go:h1:") || !strings.HasPrefix(dir, filepath.Join(c.Dir, "gomod")) {
		t.Errorf("dir %s digest %s", dir, digest)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "main.go")); err != nil || !strings.Contains(string(b), "exec.Command") {
		t.Errorf("main.go in %s: %v", dir, err)
	}
	c.Go = filepath.Join(t.TempDir(), "no-go")
	if dir2, _, err := c.Fetch(context.Background(), e); err != nil || dir2 != dir {
		t.Errorf("second fetch %s, %v", dir2, err)
	}
	missing, _ := ParseEntry("go:" + mod + "@v9.9.9")
	c.Go = goBin
	if _, _, err := c.Fetch(context.Background(), missing); err == nil {
		t.Error("a missing version was fetched")
	}
	// The cache's module cache is read-only: clean it (and only it: the
	// environment must name it, or the go command cleans the user's) so
	// that TempDir's cleanup can remove it.
	clean := exec.Command(goBin, "clean", "-modcache")
	clean.Env = append(os.Environ(), "GOMODCACHE="+filepath.Join(c.Dir, "gomod"))
	if out, err := clean.CombinedOutput(); err != nil {
		t.Errorf("go clean -modcache: %v\n%s", err, out)
	}
}

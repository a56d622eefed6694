package measure

import (
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

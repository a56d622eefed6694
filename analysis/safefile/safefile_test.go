package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// hostile builds the files a hostile workspace can hold in place of a
// small text file.
func hostile(t *testing.T) (dir string, cases map[string]error) {
	t.Helper()
	dir = t.TempDir()
	cases = map[string]error{}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.yaml"), 0o644); err == nil {
		cases["fifo.yaml"] = ErrNotRegular
		// A link to a pipe: Stat sees the pipe, so the link is refused too.
		os.Symlink("fifo.yaml", filepath.Join(dir, "tofifo.yaml"))
		cases["tofifo.yaml"] = ErrNotRegular
	} else {
		t.Logf("no named pipe: %v", err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		os.Symlink("/dev/zero", filepath.Join(dir, "zero.yaml"))
		cases["zero.yaml"] = ErrNotRegular
	}
	sparse, err := os.Create(filepath.Join(dir, "sparse.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := sparse.Truncate(50 << 30); err != nil { // 50 GB, no blocks
		t.Logf("no sparse file: %v", err)
	} else {
		cases["sparse.yaml"] = ErrTooLarge
	}
	sparse.Close()
	os.Mkdir(filepath.Join(dir, "dir.yaml"), 0o755)
	cases["dir.yaml"] = ErrNotRegular
	return dir, cases
}

func TestReadRefusesHostileFiles(t *testing.T) {
	dir, cases := hostile(t)
	for name, want := range cases {
		for _, read := range []func(string, int64) ([]byte, error){Read, ReadNoFollow} {
			done := make(chan error, 1)
			go func() {
				_, err := read(filepath.Join(dir, name), 1<<20)
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, want) && !errors.Is(err, ErrSymlink) {
					t.Errorf("%s: err = %v, want %v", name, err, want)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("%s: the read hangs", name)
			}
		}
	}
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.yaml")
	os.WriteFile(p, []byte("hello"), 0o644)
	os.Symlink("a.yaml", filepath.Join(dir, "link.yaml"))
	if b, err := Read(p, 5); err != nil || string(b) != "hello" {
		t.Errorf("Read = %q, %v", b, err)
	}
	if _, err := Read(p, 4); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Read over the limit: %v, want ErrTooLarge", err)
	}
	if b, err := Read(filepath.Join(dir, "link.yaml"), 10); err != nil || string(b) != "hello" {
		t.Errorf("Read through a link = %q, %v", b, err)
	}
	if _, err := ReadNoFollow(filepath.Join(dir, "link.yaml"), 10); !errors.Is(err, ErrSymlink) {
		t.Errorf("ReadNoFollow of a link: %v, want ErrSymlink", err)
	}
	if _, err := Read(filepath.Join(dir, "missing"), 10); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read of a missing file: %v, want fs.ErrNotExist", err)
	}
}

// The attack: the workspace's manifest is a link to a file outside it; the
// write must not reach that file.
func TestReplaceNeverWritesThroughALink(t *testing.T) {
	ws, outside := t.TempDir(), t.TempDir()
	victim := filepath.Join(outside, "authorized_keys")
	os.WriteFile(victim, []byte("ssh-ed25519 AAAA me\n"), 0o600)
	p := filepath.Join(ws, "mcp-capabilities.yaml")
	if err := os.Symlink(victim, p); err != nil {
		t.Skip(err)
	}
	old, _ := os.ReadFile(victim)
	err := Replace(p, []byte("ssh-ed25519 BBBB attacker\n"), old, true)
	if !errors.Is(err, ErrSymlink) {
		t.Errorf("Replace through a link: %v, want ErrSymlink", err)
	}
	if err := CheckTarget(ws, p); !errors.Is(err, ErrSymlink) {
		t.Errorf("CheckTarget of a link: %v, want ErrSymlink", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "ssh-ed25519 AAAA me\n" {
		t.Errorf("the link's target was written: %q", b)
	}
	// A link to a missing file is refused as well (the write would create it).
	os.Remove(p)
	os.Symlink(filepath.Join(outside, "new"), p)
	if err := Replace(p, []byte("x"), nil, false); !errors.Is(err, ErrSymlink) {
		t.Errorf("Replace through a dangling link: %v, want ErrSymlink", err)
	}
	if _, err := os.Lstat(filepath.Join(outside, "new")); err == nil {
		t.Error("a file was created outside the workspace")
	}
}

func TestCheckTargetOutsideRoot(t *testing.T) {
	ws, outside := t.TempDir(), t.TempDir()
	os.Symlink(outside, filepath.Join(ws, "sub"))
	if err := CheckTarget(ws, filepath.Join(ws, "sub", "mcp-capabilities.yaml")); !errors.Is(err, ErrOutside) {
		t.Errorf("a directory link out of the workspace: %v, want ErrOutside", err)
	}
	os.Mkdir(filepath.Join(ws, "in"), 0o755)
	if err := CheckTarget(ws, filepath.Join(ws, "in", "mcp-capabilities.yaml")); err != nil {
		t.Errorf("a file inside: %v", err)
	}
	fifo := filepath.Join(ws, "fifo")
	if syscall.Mkfifo(fifo, 0o644) == nil {
		if err := CheckTarget(ws, fifo); !errors.Is(err, ErrNotRegular) {
			t.Errorf("a pipe: %v, want ErrNotRegular", err)
		}
	}
}

func TestReplace(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.yaml")
	if err := Replace(p, []byte("one\n"), nil, false); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, 0o600)
	if err := Replace(p, []byte("two\n"), []byte("one\n"), true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "two\n" {
		t.Errorf("content = %q", b)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600 kept", st.Mode().Perm())
	}
	// Edited meanwhile: refused, the edit kept.
	if err := Replace(p, []byte("three\n"), []byte("one\n"), true); !errors.Is(err, ErrChanged) {
		t.Errorf("stale old: %v, want ErrChanged", err)
	}
	if err := Replace(p, []byte("three\n"), nil, false); !errors.Is(err, ErrChanged) {
		t.Errorf("appeared meanwhile: %v, want ErrChanged", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "two\n" {
		t.Errorf("content = %q after refused writes", b)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
}

// TestCreate: a report written with -o never goes through a link the
// repository planted, nor blocks on a pipe.
func TestCreate(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	victim := filepath.Join(outside, ".bashrc")
	os.WriteFile(victim, []byte("mine\n"), 0o600)
	link := filepath.Join(dir, "report.sarif")
	os.Symlink(victim, link)
	if f, err := Create(link); !errors.Is(err, ErrSymlink) {
		if f != nil {
			f.Close()
		}
		t.Errorf("Create through a link: %v, want ErrSymlink", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "mine\n" {
		t.Errorf("the link's target was truncated: %q", b)
	}
	fifo := filepath.Join(dir, "pipe")
	if syscall.Mkfifo(fifo, 0o644) == nil {
		done := make(chan error, 1)
		go func() {
			f, err := Create(fifo)
			if f != nil {
				f.Close()
			}
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) {
				t.Errorf("Create of a pipe: %v, want ErrNotRegular", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Create of a pipe hangs")
		}
	}
	p := filepath.Join(dir, "ok.json")
	os.WriteFile(p, []byte("old old old"), 0o644)
	f, err := Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new")
	f.Close()
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Errorf("content = %q", b)
	}
}

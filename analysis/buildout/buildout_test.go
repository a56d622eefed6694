package buildout

import (
	"reflect"
	"testing"
)

func TestFind(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
		want  []Dir
	}{
		{"compiled only: the build is the code", []string{"build/index.js", "build/shell.js"}, nil},
		{"sources next to the build", []string{"build/index.js", "src/index.ts"}, []Dir{{"build", "src/"}}},
		{"a root file is a source too", []string{"dist/server.js", "server.ts"}, []Dir{{"dist", "server.ts"}}},
		{"plain JavaScript under src/ is a source", []string{"dist/index.js", "src/index.js"}, []Dir{{"dist", "src/"}}},
		// Published packages: the build is the code, whatever sits beside it.
		{"a launcher is no source", []string{"dist/index.js", "dist/tools.js", "bin/cli.js", "scripts/launcher.js"}, nil},
		{"a launcher named like the build is no source", []string{"dist/index.js", "index.js"}, nil},
		{"configuration and declarations are no sources", []string{"dist/index.js", "eslint.config.mjs", "index.d.ts", "types/tools.d.mts"}, nil},
		{"tests are no sources", []string{"dist/executor.js", "tests/executor.test.ts", "executor.spec.ts"}, nil},
		{"scripts compiled into nothing of the build", []string{"dist/server.js", "scripts/setup-auth.ts"}, nil},
		{"a file of another language beside the build", []string{"dist/a.js", "server.py"}, nil},
		{"src/ is named before other sources", []string{"a/x.ts", "out/x.js", "src/x.ts", "index.ts"}, []Dir{{"out", "src/"}}},
		{"each package of a monorepo on its own", []string{
			"packages/a/dist/index.js", "packages/a/src/index.ts",
			"packages/b/dist/index.js", "packages/b/lib/index.ts",
			"packages/c/build/index.js",
		}, []Dir{{"packages/a/dist", "packages/a/src/"}, {"packages/b/dist", "packages/b/lib/"}}},
		{"only the outermost output directory counts", []string{"dist/build/x.js", "dist/y.js"}, nil},
		{"two outputs of one source tree", []string{"dist/x.js", "build/x.js", "src/x.ts"}, []Dir{{"build", "src/"}, {"dist", "src/"}}},
		{"a file named like a directory is a source", []string{"dist", "out/dist.js"}, []Dir{{"out", "dist"}}},
		{"nothing", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Find(tc.files); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Find(%q) = %v, want %v", tc.files, got, tc.want)
			}
		})
	}
}

func TestSplitAndCovering(t *testing.T) {
	files := []string{"/r/build/index.js", "/r/build/lib/x.js", "/r/src/index.ts", "/r/buildscripts/x.ts"}
	kept, left := Split(files, func(p string) string { return p[len("/r/"):] })
	if want := []string{"/r/src/index.ts", "/r/buildscripts/x.ts"}; !reflect.DeepEqual(kept, want) {
		t.Errorf("kept %q, want %q", kept, want)
	}
	if want := []Dir{{"build", "src/"}}; !reflect.DeepEqual(left, want) {
		t.Errorf("left %v, want %v", left, want)
	}
	for rel, want := range map[string]bool{"build": true, "build/a.js": true, "buildscripts/x.ts": false, "src/build.ts": false} {
		if _, got := Covering(left, rel); got != want {
			t.Errorf("Covering(%q) = %v, want %v", rel, got, want)
		}
	}
	if msg := left[0].Message(); msg != "not analysed: build output of src/ (the sources are analysed instead)" {
		t.Errorf("message %q", msg)
	}
}

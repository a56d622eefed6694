package command

import (
	"reflect"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

func lit(s string) facts.Arg { return facts.Arg{Value: s, Known: true, Func: -1} }

func TestWords(t *testing.T) {
	unknown := facts.Arg{Func: -1}
	argv := facts.Arg{Func: -1, Elems: []facts.Arg{lit("git"), lit("status")}}
	opts := facts.Arg{Func: -1, Props: map[string]facts.Arg{"cwd": lit("/repo")}}
	for _, tc := range []struct {
		name string
		call facts.Call
		arg  int
		kind string
		want []string
	}{
		{"shell line", facts.Call{Args: []facts.Arg{lit(`git log -n 5 "--format=%h %s"`)}}, 0, "command", []string{"git", "log", "-n", "5", "--format=%h %s"}},
		{"shell syntax", facts.Call{Args: []facts.Arg{lit("git status; rm -rf /")}}, 0, "command", nil},
		{"unbalanced quote", facts.Call{Args: []facts.Arg{lit(`cat "a`)}}, 0, "command", nil},
		{"shell prefix", facts.Call{Args: []facts.Arg{{Value: "cat ", Known: true, Prefix: true, Func: -1}}}, 0, "command", []string{"cat", Unknown}},
		{"argv list", facts.Call{Args: []facts.Arg{argv}}, 0, "command", []string{"git", "status"}},
		{"program, list, options", facts.Call{Args: []facts.Arg{lit("git"), {Func: -1, Elems: []facts.Arg{lit("diff"), unknown}}, opts}}, 0, "program", []string{"git", "diff", Unknown}},
		{"program and words (Go)", facts.Call{Args: []facts.Arg{lit("ls"), lit("-la"), unknown}}, 0, "program", []string{"ls", "-la", Unknown}},
		{"spread", facts.Call{Args: []facts.Arg{lit("ls")}, Spread: true}, 0, "program", []string{"ls", Unknown}},
		{"program unknown", facts.Call{Args: []facts.Arg{unknown}}, 0, "program", nil},
		{"argv with unknown program", facts.Call{Args: []facts.Arg{{Func: -1, Elems: []facts.Arg{unknown, lit("x")}}}}, 0, "command", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.call
			if got := Words(&c, &c.Args[tc.arg], tc.kind); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Words = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReadOnly(t *testing.T) {
	for _, tc := range []struct {
		words []string
		want  bool
	}{
		{[]string{"git", "status"}, true},
		{[]string{"/usr/bin/git", "-C", "/repo", "log", "--oneline"}, true},
		{[]string{"git.exe", "show", "HEAD"}, true},
		{[]string{"git", "push"}, false},
		{[]string{"git", "branch", "-D", "x"}, false},
		{[]string{"git"}, false},
		{[]string{"git", "diff", "--output=/etc/passwd"}, false},
		{[]string{"git", "diff", Unknown}, false}, // the model could pass --output
		{[]string{"git", Unknown, "status"}, false},
		{[]string{"cat", Unknown}, true}, // cat has no writing option: a file name
		{[]string{"ls", "-la", "/srv"}, true},
		{[]string{"find", ".", "-name", "*.go"}, true},
		{[]string{"find", ".", "-delete"}, false},
		{[]string{"find", Unknown}, false},
		{[]string{"rm", "-rf", "/tmp/x"}, false},
		{[]string{"bash", "-c", "ls"}, false},
		{[]string{Unknown}, false},
		{nil, false},
	} {
		if got := ReadOnly(tc.words); got != tc.want {
			t.Errorf("ReadOnly(%q) = %v, want %v", tc.words, got, tc.want)
		}
	}
}

// Every entry of the embedded list names a program once (the loader panics
// otherwise) and the list is not empty.
func TestReadOnlyList(t *testing.T) {
	if len(readOnly) < 20 || readOnly["git"].Program != "git" || len(readOnly["git"].Subcommands) == 0 {
		t.Errorf("readonly.yaml loaded %d entries", len(readOnly))
	}
}

package golang

import "testing"

func TestBuildConstraint(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"//go:build doltlite\n\npackage main\n", "doltlite"},
		{"// Copyright\n\n/* a\n//go:build inside\n*/\n//go:build linux && cgo\npackage main\n", "linux && cgo"},
		{"package main\n\n//go:build late\n", ""},     // after the package clause: not a directive
		{"//go:build (\npackage main\n", ""},          // does not parse
		{"// +build old\npackage main\n", ""},         // the old form alone is not read
		{"\xef\xbb\xbf//go:build x\npackage p\n", ""}, // text before the directive on its line
		{"", ""},
	} {
		if got := buildConstraint([]byte(tc.src)); got != tc.want {
			t.Errorf("buildConstraint(%q) = %q, want %q", tc.src, got, tc.want)
		}
	}
}

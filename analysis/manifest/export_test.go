package manifest

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestExportGolden(t *testing.T) {
	for _, name := range servers {
		m, errs := Parse(FileName, mustCreate(t, loadResult(t, name)))
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		for _, format := range Formats {
			t.Run(name+"/"+format, func(t *testing.T) {
				out, notes, err := Export(m, format, ExportOptions{Name: name, Description: "Example server " + name})
				if err != nil {
					t.Fatal(err)
				}
				ext := map[string]string{"agentbound": ".json", "toolhive": ".json", "mcpb": ".json", "deno": ".txt", "node": ".txt"}[format]
				golden(t, "servers/"+name+"/export-"+format+ext, out)
				golden(t, "servers/"+name+"/export-"+format+".notes", []byte(strings.Join(notes, "\n")+"\n"))
				if ext == ".json" && !json.Valid(out) {
					t.Errorf("invalid JSON:\n%s", out)
				}
			})
		}
	}
}

func TestExportMappings(t *testing.T) {
	src := `version: 1
server:
  network.server: ["127.0.0.1:3000", "8080"]
  system.env: [GITHUB_TOKEN, "APP_*"]
tools:
  a:
    network.client: [api.github.com, "*.example.com", "db.internal:5432"]
    file.read: ["${ROOT}/**", "~/.config/app/*.json", /etc/hosts]
    file.delete: ["${TMP}/cache/**"]
    system.exec: [git]
  b:
    memory.native: [libsqlite3.so]
    system.code: ["*"]
`
	m, errs := Parse(FileName, []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	tests := []struct {
		format string
		opts   ExportOptions
		want   []string // substrings of the output
		notes  []string // substrings of some note
	}{
		{"agentbound", ExportOptions{}, []string{`"mcp.ac.network.client"`, `"mcp.ac.network.server"`, `"mcp.ac.filesystem.read"`, `"mcp.ac.filesystem.delete"`, `"mcp.ac.system.exec"`, `"mcp.ac.system.env.read"`, `"TODO: describe the server"`},
			[]string{"per-tool grants are merged", "memory.native has no AgentBound permission", "system.code has no AgentBound permission", "widened to all of mcp.ac.network.client", "fill it in"}},
		{"deno", ExportOptions{}, []string{`'--allow-net=*.example.com,api.github.com,db.internal:5432,127.0.0.1:3000,0.0.0.0:8080'`, `"--allow-read=${HOME}/.config/app,${ROOT},/etc/hosts"`, `"--allow-write=${TMPDIR:-/tmp}/cache"`, "'--allow-env=APP_*,GITHUB_TOKEN'", "--allow-run=git", "--allow-ffi=${PWD}/libsqlite3.so"},
			[]string{`"~/.config/app/*.json" is widened to the directory`, "file.delete is exported as --allow-write", "Deno has no permission for system.code", "0.0.0.0:8080"}},
		{"deno", ExportOptions{Vars: map[string]string{"ROOT": "/srv/data", "HOME": "/home/u", "TMP": "/tmp", "CWD": "/srv"}},
			[]string{"--allow-read=/etc/hosts,/home/u/.config/app,/srv/data", "--allow-write=/tmp/cache"}, nil},
		{"node", ExportOptions{}, []string{"--permission", `"--allow-fs-read=${ROOT}"`, "--allow-fs-read=/etc/hosts", `"--allow-fs-write=${TMPDIR:-/tmp}/cache"`, "--allow-child-process", "--allow-addons"},
			[]string{"widened to every program", "does not restrict the network", "no flag for system.env"}},
		{"toolhive", ExportOptions{Vars: map[string]string{"ROOT": "/srv/data"}}, []string{`"read": [`, `"/srv/data"`, `"${HOME}/.config/app"`, `"write": [`, `"${TMP}/cache"`, `"allow_host": [`, `".example.com"`, `"allow_port": [`, `5432`, `"insecure_allow_all": false`},
			[]string{"${HOME}/.config/app is a placeholder", "ports apply to every allowed host", "cannot restrict system.exec", "network.server is not part of a ToolHive profile"}},
		{"mcpb", ExportOptions{}, []string{`"_meta": {`, `"io.github.mcpriv/capabilities": {`, `"file.delete": [`, `"${TMP}/cache/**"`, `"version": 1`}, []string{"do not enforce"}},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			out, notes, err := Export(m, tc.format, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %s:\n%s", w, out)
				}
			}
			all := strings.Join(notes, "\n")
			for _, n := range tc.notes {
				if !strings.Contains(all, n) {
					t.Errorf("notes lack %q:\n%s", n, all)
				}
			}
		})
	}
	if _, _, err := Export(m, "docker", ExportOptions{}); err == nil {
		t.Error("unknown format: want an error")
	}
}

func TestExportUnrestricted(t *testing.T) {
	m, _ := Parse(FileName, []byte("tools:\n  a:\n    network.client: [\"*\"]\n    file.read: [\"*\"]\n    file.write: [\"*\"]\n"))
	tests := map[string]string{
		"deno":     "--allow-net --allow-read --allow-write\n",
		"node":     "--permission --allow-fs-read=* --allow-fs-write=*\n",
		"toolhive": `"insecure_allow_all": true`,
	}
	for format, want := range tests {
		out, _, err := Export(m, format, ExportOptions{})
		if err != nil || !strings.Contains(string(out), want) {
			t.Errorf("%s: %q, want %q (%v)", format, out, want, err)
		}
	}
}

// TestExportComma is issue 14 item 15: Deno (and Node 20) split a flag
// value at commas, so a path "/srv/a,/etc" exported as one value would
// grant /etc. Such a scope is left out with a note, never split, and a
// flag whose every value was left out is dropped (a bare flag allows all).
func TestExportComma(t *testing.T) {
	m, errs := Parse("m.yaml", []byte(`tools:
  t:
    file.read: ["/srv/a,/etc", "/srv/b"]
    file.write: ["/srv/w,/etc/**"]
    system.exec: ["git,sh"]
`))
	if len(errs) > 0 {
		t.Fatal(errs[0].Message)
	}
	for _, format := range []string{"deno", "node"} {
		out, notes, err := Export(m, format, ExportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		flags := string(out)
		if strings.Contains(flags, "/etc") || strings.Contains(flags, "sh") && format == "deno" {
			t.Errorf("%s export grants a comma-split name: %s", format, flags)
		}
		if !strings.Contains(flags, "/srv/b") {
			t.Errorf("%s export lost /srv/b: %s", format, flags)
		}
		if strings.Contains(flags, "--allow-write ") || strings.HasSuffix(strings.TrimSpace(flags), "--allow-write") ||
			strings.Contains(flags, "--allow-run ") || strings.HasSuffix(strings.TrimSpace(flags), "--allow-run") {
			t.Errorf("%s export turned a refused list into an unrestricted flag: %s", format, flags)
		}
		if !strings.Contains(strings.Join(notes, "\n"), "splits flag values at commas") {
			t.Errorf("%s export: no note about the comma: %q", format, notes)
		}
	}
}

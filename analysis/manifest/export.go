package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
)

// Formats are the export formats, in the order docs/manifest.md lists them.
var Formats = []string{"agentbound", "deno", "node", "toolhive", "mcpb"}

// MetaKey is the key of mcpriv's block in an MCPB manifest.json "_meta".
const MetaKey = "io.github.mcpriv/capabilities"

// ExportOptions fill in what the manifest cannot know.
type ExportOptions struct {
	// Name and Description describe the server (AgentBound requires a
	// description; both default to placeholders that say so).
	Name, Description string
	// Vars gives run-time values for the path placeholders, keyed ROOT,
	// HOME, TMP, CWD. An unset one stays a shell variable in flag exports
	// (${ROOT}, ${HOME}, ${TMPDIR}, ${PWD}) and as written in JSON exports.
	Vars map[string]string
}

// Export writes m in another sandbox's format. Every format is a
// process-wide permission list, so per-tool grants are merged into one set
// (the widening every export shares); notes says, per export, what else
// could not be expressed and how it was widened or dropped, for the CLI to
// print. Invalid entries are left out.
func Export(m *Manifest, format string, opts ExportOptions) (out []byte, notes []string, err error) {
	if m == nil {
		m = &Manifest{Version: 1}
	}
	u := union(m)
	if len(m.Tools) > 0 && format != "mcpb" {
		notes = append(notes, "per-tool grants are merged: every tool gets what any tool needs")
	}
	e := &exporter{u: u, opts: opts}
	switch format {
	case "agentbound":
		out = e.agentBound()
	case "deno":
		out = e.deno()
	case "node":
		out = e.node()
	case "toolhive":
		out = e.toolHive()
	case "mcpb":
		out = e.mcpb(m)
	default:
		return nil, nil, fmt.Errorf("unknown export format %q (want %s)", format, strings.Join(Formats, ", "))
	}
	return out, append(notes, e.notes...), nil
}

// union merges the grants of every section; "*" swallows the rest.
func union(m *Manifest) map[capability.ID][]string {
	u := map[capability.ID][]string{}
	for _, sec := range append([]Section{m.Server}, m.Tools...) {
		for _, g := range sec.Entries {
			if g.Invalid {
				continue
			}
			for _, s := range g.Scopes {
				u[g.Capability] = appendUnique(u[g.Capability], s.Value)
			}
		}
	}
	for id, scopes := range u {
		if slices.Contains(scopes, "*") {
			u[id] = []string{"*"} // every format's allow-list is one set
			continue
		}
		u[id] = minimise(id, scopes)
	}
	return u
}

type exporter struct {
	u     map[capability.ID][]string
	opts  ExportOptions
	notes []string
}

func (e *exporter) note(format string, args ...any) {
	e.notes = appendUnique(e.notes, fmt.Sprintf(format, args...))
}

func (e *exporter) has(id capability.ID) bool { _, ok := e.u[id]; return ok }

func (e *exporter) all(id capability.ID) bool {
	s := e.u[id]
	return len(s) == 1 && s[0] == "*"
}

// ids lists the granted capabilities in taxonomy order.
func (e *exporter) ids() []capability.ID {
	var out []capability.ID
	for _, info := range capability.All() {
		if e.has(info.ID) {
			out = append(out, info.ID)
		}
	}
	return out
}

func jsonOut(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // maps and strings only: cannot fail
	return b.Bytes()
}

// agentBound writes agent-manifest.json: AgentBound (arXiv 2510.21236)
// lists generic mcp.ac.* permissions without scopes; the scopes are bound
// at run time by its AgentBox.
func (e *exporter) agentBound() []byte {
	var perms []string
	for _, id := range e.ids() {
		info, _ := capability.Lookup(id)
		if info.AgentBound == "" {
			e.note("%s has no AgentBound permission: left out (not enforced)", id)
			continue
		}
		perms = appendUnique(perms, info.AgentBound)
		if info.Scope != capability.ScopeNone && !e.all(id) {
			e.note("AgentBound permissions carry no scopes: %s is widened to all of %s", id, info.AgentBound)
		}
	}
	if e.has(capability.SystemEnv) {
		e.note("system.env maps to mcp.ac.system.env.read; code that sets variables needs mcp.ac.system.env.write added by hand")
	}
	desc := e.opts.Description
	if desc == "" {
		desc = "TODO: describe the server"
		e.note("AgentBound requires a description: fill it in")
	}
	v := map[string]any{"description": desc, "permissions": orEmpty(perms)}
	if e.opts.Name != "" {
		v["name"] = e.opts.Name
	}
	return jsonOut(v)
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// runtimePath turns a path glob into a path a runtime flag accepts: the
// directory before the first wildcard ("dir/**" means the whole tree, as
// the runtimes grant directories recursively). shell picks shell-variable
// placeholders for flags; else Vars or the placeholder as written.
func (e *exporter) runtimePath(glob string, shell bool) (p string, widened bool) {
	root, segs, _ := normPath(glob)
	i := 0
	for i < len(segs) && !strings.ContainsAny(segs[i], "*?[") {
		i++
	}
	widened = i < len(segs) && !(i == len(segs)-1 && segs[i] == "**")
	dir := strings.Join(segs[:i], "/")
	switch {
	case root == "/":
		return "/" + dir, widened
	case e.opts.Vars[strings.Trim(root, "${}")] != "":
		root = strings.TrimRight(e.opts.Vars[strings.Trim(root, "${}")], "/")
	case shell:
		root = map[string]string{"${ROOT}": "${ROOT}", "${HOME}": "${HOME}", "${TMP}": "${TMPDIR:-/tmp}", "${CWD}": "${PWD}"}[root]
	}
	if dir == "" {
		return root, widened
	}
	return root + "/" + dir, widened
}

func (e *exporter) paths(id capability.ID, shell bool) []string {
	var out []string
	for _, g := range e.u[id] {
		if g == "*" {
			out = appendUnique(out, g)
			continue
		}
		p, widened := e.runtimePath(g, shell)
		if widened {
			e.note("%s %q is widened to the directory %q: runtime flags take paths, not globs", id, g, p)
		}
		out = appendUnique(out, p)
	}
	sort.Strings(out)
	return out
}

// shellQuote quotes a flag for a POSIX shell, keeping ${VAR} expansions live.
func shellQuote(s string) string {
	if !strings.ContainsAny(s, " \t\n'\"\\$`*?[]{}()<>|&;#~!") {
		return s
	}
	if strings.Contains(s, "${") && !strings.ContainsAny(s, "\"\\`") {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// flagList writes a Deno list flag. Deno splits the value at commas, so a
// scope holding one would become two grants (a path "/srv/a,/etc" would
// open /etc): such a scope is left out with a note, never split. With no
// value left the flag is left out too: a bare --allow-read allows all.
func (e *exporter) flagList(name string, all bool, values []string) []string {
	if all {
		return []string{name}
	}
	var kept []string
	for _, v := range values {
		if strings.Contains(v, ",") {
			e.note("%s %q is left out: Deno splits flag values at commas, so it would grant other names", name, v)
			continue
		}
		kept = append(kept, v)
	}
	if len(kept) == 0 {
		return nil
	}
	return []string{shellQuote(name + "=" + strings.Join(kept, ","))}
}

// nodeFlags writes one Node flag per path. Node 20 split a flag value at
// commas (later versions warn and do not): a path holding one is left out
// with a note rather than read as two paths by some versions.
func (e *exporter) nodeFlags(name string, paths []string) []string {
	var out []string
	for _, p := range paths {
		if strings.Contains(p, ",") {
			e.note("%s %q is left out: Node 20 splits flag values at commas, so it would grant other paths", name, p)
			continue
		}
		out = append(out, shellQuote(name+"="+p))
	}
	return out
}

// deno writes `deno run` permission flags on one line.
func (e *exporter) deno() []byte {
	var flags []string
	var net []string
	netAll := false
	for _, id := range []capability.ID{capability.NetworkClient, capability.NetworkServer} {
		if !e.has(id) {
			continue
		}
		if e.all(id) {
			netAll = true
		}
		for _, s := range e.u[id] {
			if s == "*" {
				continue
			}
			if id == capability.NetworkServer {
				if h, p, err := splitPort(s); err == nil {
					if h == "" {
						h = "0.0.0.0"
						e.note("network.server %q listens on every interface: exported as 0.0.0.0:%s", s, p)
					}
					if strings.Contains(h, ":") {
						h = "[" + h + "]"
					}
					s = h + ":" + p
				}
			}
			net = appendUnique(net, s)
		}
	}
	if e.has(capability.NetworkClient) && e.has(capability.NetworkServer) {
		e.note("Deno has one --allow-net for both directions: outbound hosts may also be listened on and the other way round")
	}
	if netAll || len(net) > 0 {
		flags = append(flags, e.flagList("--allow-net", netAll, net)...)
	}
	if e.has(capability.FileRead) {
		flags = append(flags, e.flagList("--allow-read", e.all(capability.FileRead), e.paths(capability.FileRead, true))...)
	}
	if e.has(capability.FileWrite) || e.has(capability.FileDelete) {
		if e.has(capability.FileDelete) {
			e.note("Deno has no delete permission: file.delete is exported as --allow-write, which also allows writing there")
		}
		all := e.all(capability.FileWrite) || e.all(capability.FileDelete)
		ps := appendAll(e.paths(capability.FileWrite, true), e.paths(capability.FileDelete, true))
		flags = append(flags, e.flagList("--allow-write", all, ps)...)
	}
	if e.has(capability.SystemEnv) {
		flags = append(flags, e.flagList("--allow-env", e.all(capability.SystemEnv), e.u[capability.SystemEnv])...)
	}
	if e.has(capability.SystemExec) || e.has(capability.SystemProcess) {
		all := e.all(capability.SystemExec) || e.has(capability.SystemProcess)
		if e.has(capability.SystemProcess) {
			e.note("system.process (signals) needs Deno's unscoped --allow-run: every program may run")
		}
		flags = append(flags, e.flagList("--allow-run", all, e.u[capability.SystemExec])...)
		e.note("programs run by --allow-run are not sandboxed by Deno")
	}
	if e.has(capability.SystemInfo) {
		flags = append(flags, "--allow-sys")
		e.note("system.info has no scope in the manifest: --allow-sys allows every host fact")
	}
	if e.has(capability.MemoryNative) {
		ps := e.paths(capability.MemoryNative, true)
		flags = append(flags, e.flagList("--allow-ffi", e.all(capability.MemoryNative), ps)...)
	}
	for _, id := range []capability.ID{capability.SystemCode, capability.MemoryUnsafe, capability.MemoryShared} {
		if e.has(id) {
			e.note("Deno has no permission for %s: it is always allowed", id)
		}
	}
	return []byte(strings.Join(flags, " ") + "\n")
}

func appendAll(a, b []string) []string {
	for _, s := range b {
		a = appendUnique(a, s)
	}
	sort.Strings(a)
	return a
}

// node writes Node.js permission-model flags on one line (Node 22+:
// --permission; --allow-fs-* repeated once per path).
func (e *exporter) node() []byte {
	flags := []string{"--permission"}
	if e.has(capability.FileRead) {
		if e.all(capability.FileRead) {
			flags = append(flags, "--allow-fs-read=*")
		} else {
			flags = append(flags, e.nodeFlags("--allow-fs-read", e.paths(capability.FileRead, true))...)
		}
	}
	if e.has(capability.FileWrite) || e.has(capability.FileDelete) {
		if e.has(capability.FileDelete) {
			e.note("Node has no delete permission: file.delete is exported as --allow-fs-write, which also allows writing there")
		}
		if e.all(capability.FileWrite) || e.all(capability.FileDelete) {
			flags = append(flags, "--allow-fs-write=*")
		} else {
			flags = append(flags, e.nodeFlags("--allow-fs-write", appendAll(e.paths(capability.FileWrite, true), e.paths(capability.FileDelete, true)))...)
		}
	}
	if e.has(capability.SystemExec) {
		flags = append(flags, "--allow-child-process")
		if !e.all(capability.SystemExec) {
			e.note("--allow-child-process takes no program list: system.exec %v is widened to every program", e.u[capability.SystemExec])
		}
		e.note("child processes escape Node's permission model")
	}
	if e.has(capability.MemoryNative) {
		flags = append(flags, "--allow-addons")
		if !e.all(capability.MemoryNative) {
			e.note("--allow-addons takes no library list: memory.native is widened to every addon")
		}
	}
	if e.has(capability.NetworkClient) || e.has(capability.NetworkServer) {
		e.note("Node's permission model does not restrict the network (before --allow-net in recent Node versions, which takes no host list): network grants are not enforced")
	}
	for _, id := range []capability.ID{capability.SystemEnv, capability.SystemProcess, capability.SystemInfo, capability.SystemCode, capability.MemoryUnsafe, capability.MemoryShared} {
		if e.has(id) {
			e.note("Node's permission model has no flag for %s: it is always allowed", id)
		}
	}
	return []byte(strings.Join(flags, " ") + "\n")
}

// toolHive writes a ToolHive permission profile: file system mounts and
// outbound network rules for the server's container.
func (e *exporter) toolHive() []byte {
	read := e.paths(capability.FileRead, false)
	write := appendAll(e.paths(capability.FileWrite, false), e.paths(capability.FileDelete, false))
	if e.has(capability.FileDelete) {
		e.note("ToolHive has no delete permission: file.delete is exported as write")
	}
	if e.all(capability.FileRead) || e.all(capability.FileWrite) || e.all(capability.FileDelete) {
		e.note(`a "*" path grant cannot be a mount: mount the directories the server needs by hand`)
		read, write = without(read, "*"), without(write, "*")
	}
	for _, p := range append(append([]string{}, read...), write...) {
		if strings.Contains(p, "${") {
			e.note("%s is a placeholder: pass its value in the export options (or edit the profile)", p)
		}
	}
	out := map[string]any{"read": orEmpty(read), "write": orEmpty(write)}
	outbound := map[string]any{}
	var hosts []string
	var ports []int
	if e.has(capability.NetworkClient) {
		if e.all(capability.NetworkClient) {
			outbound["insecure_allow_all"] = true
		} else {
			anyPort := false
			for _, s := range e.u[capability.NetworkClient] {
				h, p, err := splitHost(s, false)
				if err != nil {
					continue
				}
				if strings.HasPrefix(h, "*.") {
					// ToolHive writes subdomains as ".example.com" (its
					// registry entries do), which admits the apex too.
					h = h[1:]
					e.note("%s is exported as %s, which also allows %s itself", s, h, h[1:])
				}
				hosts = appendUnique(hosts, h)
				if p == "" {
					anyPort = true
				} else if n, err := strconv.Atoi(p); err == nil && !containsInt(ports, n) {
					ports = append(ports, n)
				}
			}
			if len(ports) > 0 {
				e.note("ToolHive ports apply to every allowed host, not per host")
			}
			if anyPort {
				if len(ports) > 0 {
					e.note("hosts granted without a port are limited to the listed ports")
				} else {
					e.note("hosts without a port: ToolHive limits to the ports in allow_port; add 443/80 as the server needs")
					ports = []int{443}
				}
			}
			sort.Ints(ports)
			outbound["insecure_allow_all"] = false
			outbound["allow_host"] = orEmpty(hosts)
			outbound["allow_port"] = ports
		}
	} else {
		outbound["insecure_allow_all"] = false
	}
	out["network"] = map[string]any{"outbound": outbound}
	if e.has(capability.NetworkServer) {
		e.note("network.server is not part of a ToolHive profile: expose the port with ToolHive's --target-port/--proxy-port")
	}
	for _, id := range []capability.ID{capability.SystemExec, capability.SystemCode, capability.SystemEnv, capability.SystemProcess, capability.SystemInfo, capability.MemoryUnsafe, capability.MemoryShared, capability.MemoryNative} {
		if e.has(id) {
			e.note("a ToolHive profile cannot restrict %s: the container allows it", id)
		}
	}
	if e.has(capability.SystemEnv) {
		e.note("pass only the granted variables to the container (thv run --env / --secret): %s", strings.Join(e.u[capability.SystemEnv], ", "))
	}
	return jsonOut(out)
}

func without(xs []string, s string) []string {
	var out []string
	for _, x := range xs {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

func containsInt(xs []int, n int) bool {
	for _, x := range xs {
		if x == n {
			return true
		}
	}
	return false
}

// mcpb writes the "_meta" block to merge into an MCPB manifest.json: the
// whole manifest, per-tool grants included. MCPB hosts do not enforce it.
func (e *exporter) mcpb(m *Manifest) []byte {
	section := func(s Section) map[string][]string {
		out := map[string][]string{}
		for _, g := range s.Entries {
			if !g.Invalid {
				for _, sc := range g.Scopes {
					out[string(g.Capability)] = append(out[string(g.Capability)], sc.Value)
				}
			}
		}
		return out
	}
	tools := map[string]map[string][]string{}
	for _, t := range m.Tools {
		tools[t.Name] = section(t)
	}
	e.note(`MCPB hosts do not enforce "_meta": the block documents the grants for hosts and reviewers`)
	return jsonOut(map[string]any{"_meta": map[string]any{MetaKey: map[string]any{
		"version": 1, "server": section(m.Server), "tools": tools,
	}}})
}

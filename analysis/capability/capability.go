// Package capability is the privilege taxonomy: the 13 capability IDs that
// every finding carries and that the manifest uses as its vocabulary.
//
// The IDs are a public interface (docs/capabilities.md): never rename or
// reuse one.
package capability

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/didyoumean"
)

// ID is a capability identifier such as "file.write".
type ID string

// The capability IDs, stable forever.
const (
	NetworkClient ID = "network.client"
	NetworkServer ID = "network.server"
	SystemExec    ID = "system.exec"
	SystemCode    ID = "system.code"
	SystemEnv     ID = "system.env"
	SystemProcess ID = "system.process"
	SystemInfo    ID = "system.info"
	FileRead      ID = "file.read"
	FileWrite     ID = "file.write"
	FileDelete    ID = "file.delete"
	MemoryUnsafe  ID = "memory.unsafe"
	MemoryShared  ID = "memory.shared"
	MemoryNative  ID = "memory.native"
)

// Class is the resource class of a capability: the first word of its ID.
type Class string

const (
	Network Class = "network"
	System  Class = "system"
	File    Class = "file"
	Memory  Class = "memory"
)

// Risk is an ordered risk level.
type Risk int

const (
	Low Risk = iota + 1
	Medium
	High
	Critical
)

func (r Risk) String() string {
	switch r {
	case Low:
		return "low"
	case Medium:
		return "medium"
	case High:
		return "high"
	case Critical:
		return "critical"
	}
	return fmt.Sprintf("risk(%d)", int(r))
}

// ParseRisk parses "low", "medium", "high" or "critical".
func ParseRisk(s string) (Risk, error) {
	for r := Low; r <= Critical; r++ {
		if strings.EqualFold(s, r.String()) {
			return r, nil
		}
	}
	return 0, fmt.Errorf("unknown risk %q (want low, medium, high or critical)", s)
}

// Escalate returns the risk one step up, capped at Critical.
func (r Risk) Escalate() Risk {
	if r >= Critical {
		return Critical
	}
	return r + 1
}

// ScopeKind says what a capability's manifest scopes are.
type ScopeKind string

const (
	ScopeHost    ScopeKind = "host"    // host, host:port, *.domain
	ScopePort    ScopeKind = "port"    // [host:]port
	ScopeProgram ScopeKind = "program" // program name
	ScopeEnv     ScopeKind = "env"     // variable name, PREFIX_*
	ScopePath    ScopeKind = "path"    // path glob
	ScopeLibrary ScopeKind = "library" // native library path
	ScopeNone    ScopeKind = "none"    // only "*"
)

// Info describes one capability.
type Info struct {
	ID       ID
	Class    Class
	Title    string // short noun phrase, e.g. "outbound network connections"
	Does     string // what the code does (taxonomy.md)
	Why      string // why it is risky, for hovers and docs
	Scope    ScopeKind
	BaseRisk Risk
	// Export mappings (taxonomy.md "Mappings"); empty where none exists.
	AgentBound string
	DenoFlag   string
	NodeFlag   string
}

// DocsURL is where a capability's documentation lives (codeDescription in LSP, helpUri in SARIF).
func (i Info) DocsURL() string {
	return DocsBase + "#" + strings.ReplaceAll(string(i.ID), ".", "")
}

// DocsBase is the documentation page of the taxonomy.
const DocsBase = "https://github.com/mcpriv/mcpriv/blob/main/docs/capabilities.md"

var all = []Info{
	{ID: NetworkClient, Class: Network, Title: "outbound network connections",
		Does:  "opens outbound connections: HTTP clients, fetch, sockets, WebSocket clients, database, cache and broker clients, DNS",
		Why:   "the server can send the user's data anywhere the network reaches and pull in content an attacker controls; with a model-chosen URL it can be steered to internal hosts (SSRF) or used to exfiltrate secrets",
		Scope: ScopeHost, BaseRisk: Medium,
		AgentBound: "mcp.ac.network.client", DenoFlag: "--allow-net"},
	{ID: NetworkServer, Class: Network, Title: "listening for inbound connections",
		Does:  "listens for inbound connections: HTTP servers, listen, bind, SSE and streamable HTTP transports",
		Why:   "anything that can reach the port can talk to the server, and through it to the user's machine; binding to all interfaces exposes it beyond localhost",
		Scope: ScopePort, BaseRisk: Medium,
		AgentBound: "mcp.ac.network.server", DenoFlag: "--allow-net"},
	{ID: SystemExec, Class: System, Title: "running other programs",
		Does:  "runs other programs: child processes and shells",
		Why:   "a child process runs with all of the user's privileges and escapes every other restriction; a model-chosen command or argument is command injection",
		Scope: ScopeProgram, BaseRisk: High,
		AgentBound: "mcp.ac.system.exec", DenoFlag: "--allow-run", NodeFlag: "--allow-child-process"},
	{ID: SystemCode, Class: System, Title: "evaluating code chosen at run time",
		Does:  "evaluates code chosen at run time: eval, new Function, vm, Python exec/compile, dynamic import of a computed name",
		Why:   "code built at run time can do anything the process can; if the model or a remote party influences it, it is arbitrary code execution",
		Scope: ScopeNone, BaseRisk: Critical},
	{ID: SystemEnv, Class: System, Title: "environment variables",
		Does:  "reads or writes environment variables",
		Why:   "environment variables hold API keys and tokens; reading them all can leak every secret the user has configured",
		Scope: ScopeEnv, BaseRisk: Low,
		AgentBound: "mcp.ac.system.env.read", DenoFlag: "--allow-env"},
	{ID: SystemProcess, Class: System, Title: "controlling processes",
		Does:  "signals or controls other processes or its own identity: kill, setuid, chroot",
		Why:   "signalling or changing process identity can stop the user's other programs or change what the server is allowed to do",
		Scope: ScopeNone, BaseRisk: High,
		AgentBound: "mcp.ac.system.process", DenoFlag: "--allow-run"},
	{ID: SystemInfo, Class: System, Title: "host and user facts",
		Does:  "reads host or user facts: hostname, user, network interfaces, platform",
		Why:   "host facts fingerprint the user and the machine and help an attacker plan further steps",
		Scope: ScopeNone, BaseRisk: Low,
		DenoFlag: "--allow-sys"},
	{ID: FileRead, Class: File, Title: "reading files",
		Does:  "reads file contents, lists or stats paths",
		Why:   "the server can read anything the user can: SSH keys, browser profiles, tokens; a model-chosen path is path traversal",
		Scope: ScopePath, BaseRisk: Medium,
		AgentBound: "mcp.ac.filesystem.read", DenoFlag: "--allow-read", NodeFlag: "--allow-fs-read"},
	{ID: FileWrite, Class: File, Title: "writing files",
		Does:  "creates, modifies, renames, copies, chmods, makes directories or temporary files",
		Why:   "writing files can plant code that runs later (shell profiles, autostart, git hooks) or corrupt the user's data",
		Scope: ScopePath, BaseRisk: High,
		AgentBound: "mcp.ac.filesystem.write", DenoFlag: "--allow-write", NodeFlag: "--allow-fs-write"},
	{ID: FileDelete, Class: File, Title: "deleting files",
		Does:  "removes files or directories",
		Why:   "deletion destroys the user's data and cannot be undone",
		Scope: ScopePath, BaseRisk: High,
		AgentBound: "mcp.ac.filesystem.delete", DenoFlag: "--allow-write", NodeFlag: "--allow-fs-write"},
	{ID: MemoryUnsafe, Class: Memory, Title: "unchecked memory",
		Does:  "uses uninitialised or unchecked memory: Buffer.allocUnsafe, ctypes pointers and memmove, unsafe.Pointer",
		Why:   "uninitialised buffers can leak old process memory and unchecked pointers can corrupt it",
		Scope: ScopeNone, BaseRisk: High},
	{ID: MemoryShared, Class: Memory, Title: "shared or mapped memory",
		Does:  "uses shared or mapped memory: SharedArrayBuffer, mmap, multiprocessing.shared_memory, syscall.Mmap",
		Why:   "shared memory crosses process boundaries and mapped files bypass ordinary file checks",
		Scope: ScopeNone, BaseRisk: Medium},
	{ID: MemoryNative, Class: Memory, Title: "loading native code",
		Does:  "loads native code: process.dlopen, ffi-napi/koffi, ctypes.CDLL, cffi, Go plugin.Open",
		Why:   "native code runs outside every language-level safety net with the process's full privileges",
		Scope: ScopeLibrary, BaseRisk: High,
		DenoFlag: "--allow-ffi", NodeFlag: "--allow-addons"},
}

var byID = func() map[ID]Info {
	m := make(map[ID]Info, len(all))
	for _, i := range all {
		m[i.ID] = i
	}
	return m
}()

// All returns every capability in taxonomy order.
func All() []Info { return append([]Info(nil), all...) }

// Lookup returns the capability with the given ID.
func Lookup(id ID) (Info, bool) {
	i, ok := byID[id]
	return i, ok
}

// Valid reports whether id is a known capability ID.
func Valid(id ID) bool { _, ok := byID[id]; return ok }

// ClassOf returns the class of id (the part before the first dot).
func (id ID) Class() Class {
	s := string(id)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	return Class(s)
}

// Suggest returns the known ID closest to s, for "did you mean" messages, or "".
func Suggest(s string) ID {
	ids := make([]string, len(all))
	for i, c := range all {
		ids[i] = string(c.ID)
	}
	return ID(didyoumean.Closest(s, ids, 4))
}

// IDs returns the capability IDs, sorted.
func IDs() []string {
	out := make([]string, 0, len(all))
	for _, i := range all {
		out = append(out, string(i.ID))
	}
	sort.Strings(out)
	return out
}

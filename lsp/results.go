package lsp

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"github.com/mcpriv/mcpriv/analysis/display"
	"hash/maphash"
	"math"
	"math/bits"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.lsp.dev/protocol"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/manifest"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// DiagnosticData is the `data` of every mcpriv diagnostic: what code actions
// (ours and the editor plugins') need without another round trip.
type DiagnosticData struct {
	Kind       string `json:"kind"`
	Capability string `json:"capability,omitempty"`
	Class      string `json:"class,omitempty"`
	Rule       string `json:"rule,omitempty"`
	API        string `json:"api,omitempty"`
	Risk       string `json:"risk,omitempty"`
	// Tools reaching the call; Server when start-up code reaches it.
	Tools  []string `json:"tools,omitempty"`
	Server bool     `json:"server,omitempty"`
	// Manifest is the manifest state; UndeclaredFor the tools ("" = server)
	// lacking a grant.
	Manifest      string   `json:"manifest,omitempty"`
	UndeclaredFor []string `json:"undeclaredFor,omitempty"`
	// Scope is the narrowest scope a grant needs ("*" when the argument is not literal).
	Scope string `json:"scope,omitempty"`
	// ScopeUnknown: why a literal argument names no scope (only "*" covers it).
	ScopeUnknown string `json:"scopeUnknown,omitempty"`
	ScopeKind    string `json:"scopeKind,omitempty"`
	// ScopeEnv, ScopeOverride: Scope is a default (finding.ScopeEnv, ScopeOverride).
	ScopeEnv      string `json:"scopeEnv,omitempty"`
	ScopeOverride string `json:"scopeOverride,omitempty"`
	// Scopes: every scope when callers pass values with different ones;
	// ScopeDynamic: values that are not literals reach the call too.
	Scopes       []string `json:"scopes,omitempty"`
	ScopeDynamic bool     `json:"scopeDynamic,omitempty"`
	Tainted      bool     `json:"tainted,omitempty"`
	TaintTool    string   `json:"taintTool,omitempty"`
	// TaintSource is the tool input field the argument comes from;
	// TaintRole what the model controls through it ("target", "payload").
	TaintSource string `json:"taintSource,omitempty"`
	TaintRole   string `json:"taintRole,omitempty"`
	// ManifestURI is the manifest governing the file (it may not exist yet).
	ManifestURI protocol.DocumentURI `json:"manifestUri,omitempty"`
}

// rootResult is the latest linked and checked result of one workspace root,
// indexed for the handlers.
type rootResult struct {
	root     string
	res      *finding.Result
	byFile   map[string][]*finding.Finding // absolute path → findings (suppressed ones excluded)
	tools    map[string]*finding.Tool      // by name
	toolFile map[string][]*finding.Tool    // absolute path → registrations in it
	// undeclared counts, per tool, the capabilities some call reached from it lacks a grant for.
	undeclared map[string]map[capability.ID]bool
	// toolLoc is where each tool is registered, built once per result:
	// every diagnostic a tool reaches points there.
	toolLoc map[string]protocol.Location
	// toolRel is the encoded related information pointing at each
	// tool's registration, spliced into every diagnostic the tool reaches.
	toolRel map[string]encodedRelated
	at      time.Time
	// lenses hashes what the code lenses show (tools, their
	// capabilities, undeclared counts), to know when to ask for a refresh.
	lenses uint64
	// undeclaredMask is undeclared as bit sets (capabilityBit), to tell
	// the next result which maps it can share; nil when some ID has no bit.
	undeclaredMask map[string]uint64
	// diags is the encoding cache of the publish of this result, set when
	// that publish ends and taken by the next one (under Server.mu).
	diags *diagCache
	// partial is set when the result was linked while a workspace scan of
	// its root was still running: files not analysed yet are missing, so
	// "no privileges" is not an answer yet.
	partial bool
}

func (s *Server) absPath(root, p string) string {
	p = filepath.FromSlash(p)
	if !filepath.IsAbs(p) {
		p = filepath.Join(root, p)
	}
	return filepath.Clean(p)
}

// buildRootResult indexes res. prev, the root's previous result (or nil),
// only lends parts that are equal in both.
func (s *Server) buildRootResult(root string, res *finding.Result, prev *rootResult) *rootResult {
	rr := &rootResult{root: root, res: res, byFile: map[string][]*finding.Finding{}, tools: map[string]*finding.Tool{}, toolLoc: map[string]protocol.Location{},
		toolFile: map[string][]*finding.Tool{}, undeclared: map[string]map[capability.ID]bool{}, at: time.Now()}
	if res == nil {
		return rr
	}
	rr.tools = make(map[string]*finding.Tool, len(res.Tools))
	rr.toolLoc = make(map[string]protocol.Location, len(res.Tools))
	rr.toolRel = make(map[string]encodedRelated, len(res.Tools))
	// This runs after every edit over every finding of the root: a file's
	// findings share one File string, so each path is cleaned once.
	abs := map[string]string{}
	absOf := func(file string) string {
		p, ok := abs[file]
		if !ok {
			p = s.absPath(root, file)
			abs[file] = p
		}
		return p
	}
	masks := map[string]uint64{}
	unknown := false // a capability ID outside the taxonomy
	// Findings come by file and position: those of one file, and those a
	// tool reaches, are mostly adjacent, so the last file's list and the
	// last tool's bits are kept aside from the maps (thousands of lookups).
	var (
		lastFile, lastPath string
		list               []*finding.Finding
		lastTool           string
		lastBits           uint64
		haveTool           bool
	)
	flushTool := func() {
		if haveTool {
			masks[lastTool] |= lastBits
		}
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		if i == 0 || f.File != lastFile {
			if i > 0 {
				rr.byFile[lastPath] = list
			}
			lastFile, lastPath = f.File, absOf(f.File)
			list = rr.byFile[lastPath]
		}
		list = append(list, f)
		if f.Kind == finding.KindCapability && len(f.UndeclaredFor) > 0 {
			bit, ok := capabilityBit[f.Capability]
			unknown = unknown || !ok
			for _, t := range f.UndeclaredFor {
				if !haveTool || t != lastTool {
					flushTool()
					lastTool, lastBits, haveTool = t, 0, true
				}
				lastBits |= bit
			}
		}
	}
	if len(res.Findings) > 0 {
		rr.byFile[lastPath] = list
	}
	flushTool()
	if unknown {
		for i := range res.Findings {
			f := &res.Findings[i]
			if f.Kind == finding.KindCapability {
				for _, t := range f.UndeclaredFor {
					if rr.undeclared[t] == nil {
						rr.undeclared[t] = map[capability.ID]bool{}
					}
					rr.undeclared[t][f.Capability] = true
				}
			}
		}
	} else {
		// A tool's set rarely changes from one edit to the next: the
		// previous result's map (never written once built) is shared then,
		// instead of allocating one map per tool per edit.
		rr.undeclared = make(map[string]map[capability.ID]bool, len(masks))
		for t, m := range masks {
			if prev != nil && prev.undeclaredMask != nil && prev.undeclaredMask[t] == m && prev.undeclared[t] != nil {
				rr.undeclared[t] = prev.undeclared[t]
				continue
			}
			set := make(map[capability.ID]bool, bits.OnesCount64(m))
			for ; m != 0; m &= m - 1 {
				set[capabilityByBit[bits.TrailingZeros64(m)]] = true
			}
			rr.undeclared[t] = set
		}
		rr.undeclaredMask = masks
	}
	uris := map[string]protocol.DocumentURI{}
	for i := range res.Tools {
		t := &res.Tools[i]
		p := absOf(t.File)
		if _, dup := rr.tools[t.Name]; !dup {
			rr.tools[t.Name] = t
			uri, ok := uris[p]
			if !ok {
				uri = s.uriOf(p)
				uris[p] = uri
			}
			loc := protocol.Location{URI: uri, Range: lspRange(nameOrSpan(t))}
			rr.toolLoc[t.Name] = loc
			if r, ok := prev.relatedOf(t.Name); ok && r.loc == loc {
				rr.toolRel[t.Name] = r
			} else {
				ri := relatedInfo(t.Name, loc)
				enc := appendRelatedItem(nil, &ri)
				rr.toolRel[t.Name] = encodedRelated{loc: loc, json: enc, hash: maphash.Bytes(hashSeed, enc)}
			}
		}
		rr.toolFile[p] = append(rr.toolFile[p], t)
		for k := range t.Sites {
			// Each registration of the name gets its lens and hover.
			at := t.AtSite(k)
			sp := absOf(at.File)
			rr.toolFile[sp] = append(rr.toolFile[sp], &at)
		}
	}
	var key maphash.Hash
	key.SetSeed(hashSeed)
	var num [8]byte
	for i := range res.Tools {
		t := &res.Tools[i]
		key.WriteString(t.Name)
		key.WriteByte(0)
		key.WriteString(t.File)
		key.WriteByte(0)
		binary.LittleEndian.PutUint64(num[:], uint64(t.Span.Start.Line))
		key.Write(num[:])
		for _, site := range t.Sites {
			key.WriteString(site.File)
			key.WriteByte(0)
			binary.LittleEndian.PutUint64(num[:], uint64(site.Span.Start.Line))
			key.Write(num[:])
		}
		binary.LittleEndian.PutUint64(num[:], uint64(len(t.Capabilities)))
		key.Write(num[:])
		for _, c := range t.Capabilities {
			key.WriteString(string(c))
			key.WriteByte(0)
		}
		binary.LittleEndian.PutUint64(num[:], uint64(len(rr.undeclared[t.Name])))
		key.Write(num[:])
	}
	rr.lenses = key.Sum64()
	return rr
}

// capabilityBit numbers the capabilities of the taxonomy for bit sets.
var capabilityBit, capabilityByBit = func() (map[capability.ID]uint64, []capability.ID) {
	bit := map[capability.ID]uint64{}
	var ids []capability.ID
	for i, c := range capability.All() {
		if i == 64 {
			break // the rest take the map path
		}
		bit[c.ID] = 1 << i
		ids = append(ids, c.ID)
	}
	return bit, ids
}()

// relink links and checks one root and publishes what changed.
func (s *Server) relink(root string, eng Engine) {
	s.mu.Lock()
	partial := s.scanning[root] > 0
	var list []*facts.File
	var unread []finding.FileError
	for p, ff := range s.files {
		if s.rootOfLocked(p) != root {
			continue
		}
		if ff.facts != nil {
			list = append(list, ff.facts)
		}
		if ff.unanalysed != "" {
			unread = append(unread, finding.FileError{File: s.relPath(root, p), Message: ff.unanalysed})
		}
	}
	overlay := map[string][]byte{}
	for p, d := range s.docs {
		if d.manifest {
			overlay[p] = d.text
		}
	}
	s.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].Path < list[j].Path })
	t0 := time.Now()
	res := eng.Link(root, list)
	if res == nil {
		res = &finding.Result{Root: root}
	}
	// Files not analysed, and what the link could not use, fail the gate
	// as they do in the CLI (engine.Scan).
	unread = append(unread, res.Errors...)
	sort.SliceStable(unread, func(i, j int) bool { return unread[i].File < unread[j].File })
	res.Findings = append(res.Findings, finding.Skipped(unread)...)
	eng.Check(root, res, overlay)
	s.mu.Lock()
	prev := s.results[root]
	s.mu.Unlock()
	rr := s.buildRootResult(root, res, prev)
	rr.partial = partial
	t1 := time.Now()
	s.mu.Lock()
	prev = s.results[root]
	s.results[root] = rr
	s.mu.Unlock()
	s.publish(rr, prev)
	if prev != nil && (prev.lenses != rr.lenses || prev.partial != rr.partial) && s.caps.codeLensRefresh {
		// Lenses of unchanged files (or after a manifest edit) are stale:
		// clients ask again only when told to.
		go s.call(s.ctx, "workspace/codeLens/refresh", nil, nil)
	}
	s.mu.Lock()
	s.stats.phases.Link += t1.Sub(t0)
	s.stats.phases.Publish += time.Since(t1)
	s.mu.Unlock()
}

// publish sends diagnostics for every file of rr, and clears files that had
// some in prev and have none now. Unchanged diagnostics are not re-sent.
func (s *Server) publish(rr, prev *rootResult) {
	paths := map[string]bool{}
	for p := range rr.byFile {
		paths[p] = true
	}
	if prev != nil {
		for p := range prev.byFile {
			paths[p] = true
		}
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	sort.Strings(sorted)
	// The cache passes from result to result. Taking it under the lock
	// means two publishes of one root never share it: the later one finds
	// none and encodes everything, which is only slower.
	var old *diagCache
	s.mu.Lock()
	if prev != nil {
		old, prev.diags = prev.diags, nil
	}
	s.mu.Unlock()
	cur := &diagCache{}
	if old != nil {
		cur.entries = make(map[uint64]encodedDiag, len(old.entries))
		cur.frame, cur.list, cur.rels, cur.key, cur.scratch = old.frame, old.list, old.rels, old.key, old.scratch
	} else {
		cur.entries = map[uint64]encodedDiag{}
	}
	// Files of one directory share a manifest: look it up (a stat per
	// ancestor) once per directory, not once per file.
	manifests := map[string]protocol.DocumentURI{}
	for _, p := range sorted {
		dir := filepath.Dir(p)
		m, ok := manifests[dir]
		if !ok {
			m = pathToURI(s.manifestFor(rr.root, p))
			manifests[dir] = m
		}
		s.publishFile(rr, p, m, old, cur)
	}
	s.mu.Lock()
	rr.diags = cur
	s.mu.Unlock()
	s.publishSkipped(rr.root, paths)
}

// skippedMark prefixes what Server.published holds for a document showing
// the skipped notice; publishFile's fingerprints are 8 bytes, never this.
const skippedMark = "skipped\x00"

// publishSkipped gives every open document of root that is not analysed one
// hint diagnostic saying why, instead of no diagnostics (which would read
// as "no privileges"), and clears the notice of one analysed again that
// publish did not touch (it has no findings).
func (s *Server) publishSkipped(root string, touched map[string]bool) {
	type notice struct {
		uri    protocol.DocumentURI
		reason string
	}
	var send []notice
	s.mu.Lock()
	for path, d := range s.docs {
		if d.manifest || d.lang == "" || s.rootOfLocked(path) != root {
			continue
		}
		reason := s.skipReasonLocked(root, path)
		prev, marked := s.published[d.uri]
		marked = marked && strings.HasPrefix(prev, skippedMark)
		switch {
		case reason != "" && prev != skippedMark+reason:
			s.published[d.uri] = skippedMark + reason
			send = append(send, notice{d.uri, reason})
		case reason == "" && marked && !touched[path]:
			delete(s.published, d.uri)
			send = append(send, notice{d.uri, ""})
		}
	}
	// A closed document keeps no notice.
	for uri, prev := range s.published {
		if !strings.HasPrefix(prev, skippedMark) {
			continue
		}
		if path, err := uriToPath(uri); err == nil && s.rootOfLocked(path) == root && s.docs[path] == nil {
			delete(s.published, uri)
			send = append(send, notice{uri, ""})
		}
	}
	s.mu.Unlock()
	for _, n := range send {
		diags := []protocol.Diagnostic{}
		if n.reason != "" {
			diags = append(diags, protocol.Diagnostic{Severity: protocol.DiagnosticSeverityHint, Source: "mcpriv",
				Code: "not-analysed", Message: n.reason})
		}
		s.notify(protocol.MethodTextDocumentPublishDiagnostics, &protocol.PublishDiagnosticsParams{URI: n.uri, Diagnostics: diags})
	}
}

// diagCache holds the encoded diagnostics of one root's last publish. Results
// are rebuilt on every run, so entries are keyed by what a diagnostic is
// made of (diagKey), not by finding. Positions are left out of the key and
// spliced in at each publish: an edit moves the findings below it, and the
// tools' registrations, without changing anything else about them. Entries
// not used by a publish are dropped with the previous cache.
type diagCache struct {
	// entries are by the hash of the key; a collision costs an encoding.
	entries map[uint64]encodedDiag
	// Buffers kept from one publish to the next.
	frame   []byte       // the message
	list    []listedDiag // the diagnostics of one file
	rels    [][]byte     // their related information items
	key     []byte       // diagKey's
	scratch []byte       // an encoding
}

// encodedDiag is a diagnostic's encoding without range and related
// information: json[:split] goes between those two, json[split:] after.
type encodedDiag struct {
	key   string
	json  []byte
	split int
}

// encodedRelated is the relatedInformation item pointing at a tool's
// registration, and the hash of its bytes.
type encodedRelated struct {
	loc  protocol.Location
	json []byte
	hash uint64
}

type listedDiag struct {
	f          *finding.Finding
	e          encodedDiag
	rels, rele int // its items in diagCache.rels
}

// hashSeed seeds the hashes of diagnostic keys. It is random per process, so
// no input can be crafted to collide. Server.published holds, per URI, a
// fingerprint of the diagnostics sent (key hashes, positions, related
// information) rather than the bytes: keeping those (a megabyte for a big
// file) would cost a copy on every change, and two different arrays share a
// fingerprint with odds of 2⁻⁶⁴.
var hashSeed = maphash.MakeSeed()

func (c *diagCache) lookup(h uint64, key []byte) (encodedDiag, bool) {
	if c == nil {
		return encodedDiag{}, false
	}
	e, ok := c.entries[h]
	if !ok || e.key != string(key) {
		return encodedDiag{}, false
	}
	return e, true
}

func (rr *rootResult) relatedOf(name string) (encodedRelated, bool) {
	if rr == nil {
		return encodedRelated{}, false
	}
	r, ok := rr.toolRel[name]
	return r, ok
}

// publishFile sends the diagnostics of path if they differ from what was last
// sent. The message is assembled in a frame buffer from the encoded
// diagnostics and written as is: nothing re-encodes or validates it on the
// way to the wire.
func (s *Server) publishFile(rr *rootResult, path string, manifestURI protocol.DocumentURI, old, cur *diagCache) {
	s.mu.Lock()
	show := s.settings.showDeclared()
	var version *int32
	if ff := s.files[path]; ff != nil && ff.open {
		v := ff.version
		version = &v
	}
	s.mu.Unlock()
	uri := s.uriOf(path)

	// First the diagnostics, each from the cache or encoded, and their
	// fingerprint; the message is assembled only when that changed.
	var fp maphash.Hash
	fp.SetSeed(hashSeed)
	var num [8]byte
	hashNum := func(v uint64) {
		binary.LittleEndian.PutUint64(num[:], v)
		fp.Write(num[:])
	}
	list, rels := cur.list[:0], cur.rels[:0]
	defer func() {
		clear(list)
		clear(rels)
		cur.list, cur.rels = list[:0], rels[:0]
	}()
	size := 0
	for _, f := range rr.byFile[path] {
		if !show && f.Kind == finding.KindCapability && f.Manifest == finding.Declared {
			continue
		}
		cur.key = diagKey(cur.key[:0], rr, f, manifestURI)
		h := maphash.Bytes(hashSeed, cur.key)
		e, ok := old.lookup(h, cur.key)
		if !ok {
			e, ok = cur.lookup(h, cur.key)
		}
		if !ok {
			d := diagnosticOf(f, manifestURI)
			enc, err := appendDiagnosticHead(cur.scratch[:0], &d)
			split := len(enc)
			if err == nil {
				enc, err = appendDiagnosticTail(enc, &d)
			}
			cur.scratch = enc
			if err != nil {
				s.logf(msgError, "encoding diagnostics of %s: %v", path, err)
				return
			}
			e = encodedDiag{key: string(cur.key), json: bytes.Clone(enc), split: split}
		}
		cur.entries[h] = e
		// An upper bound, so the frame grows once: `{"range":`, the
		// longest range, a comma.
		size += len(e.json) + len(`{"range":`) + maxRangeLen + 1
		// The key determines the cached bytes; the rest is what is spliced.
		hashNum(h)
		r := lspRange(f.Span)
		hashNum(uint64(r.Start.Line)<<32 | uint64(r.Start.Character))
		hashNum(uint64(r.End.Line)<<32 | uint64(r.End.Character))
		relStart := len(rels)
		for _, t := range f.Tools {
			if rel, ok := rr.toolRel[t]; ok {
				hashNum(rel.hash)
				size += len(rel.json) + 1
				rels = append(rels, rel.json)
			}
		}
		if len(rels) > relStart {
			size += len(`,"relatedInformation":[]`)
		}
		list = append(list, listedDiag{f: f, e: e, rels: relStart, rele: len(rels)})
	}
	hashNum(uint64(len(list)))
	sum := string(binary.LittleEndian.AppendUint64(nil, fp.Sum64()))

	s.mu.Lock()
	same := s.published[uri] == sum
	if !same {
		if len(list) == 0 {
			delete(s.published, uri)
		} else {
			s.published[uri] = sum
		}
		s.stats.Published++
	}
	s.mu.Unlock()
	if same || s.stream == nil {
		return
	}

	frame := startFrame(cur.frame)
	frame = slices.Grow(frame, size+len(uri)+128)
	defer func() { cur.frame = frame[:0] }()
	frame = append(frame, `{"jsonrpc":"2.0","method":"`+protocol.MethodTextDocumentPublishDiagnostics+`","params":{"uri":`...)
	frame = appendString(frame, string(uri))
	if version != nil {
		frame = append(frame, `,"version":`...)
		frame = strconv.AppendInt(frame, int64(*version), 10)
	}
	frame = append(frame, `,"diagnostics":[`...)
	for i, d := range list {
		if i > 0 {
			frame = append(frame, ',')
		}
		// What appendDiagnostic writes, from the cached pieces.
		frame = append(frame, `{"range":`...)
		frame = appendRange(frame, lspRange(d.f.Span))
		frame = append(frame, d.e.json[:d.e.split]...)
		if d.rele > d.rels {
			frame = append(frame, `,"relatedInformation":[`...)
			for j, rel := range rels[d.rels:d.rele] {
				if j > 0 {
					frame = append(frame, ',')
				}
				frame = append(frame, rel...)
			}
			frame = append(frame, ']')
		}
		frame = append(frame, d.e.json[d.e.split:]...)
	}
	frame = append(frame, "]}}"...)
	if err := s.stream.writeFrame(s.ctx, frame); err != nil && s.opts.Logf != nil {
		s.opts.Logf("notify %s: %v", protocol.MethodTextDocumentPublishDiagnostics, err)
	}
}

// diagKey appends to b everything toDiagnostic reads to build the diagnostic
// of f, except what publishFile splices in: the range, and the locations of
// the tools in the related information. Equal keys give equal cached bytes.
// The finding's File, CallSpan, Suppression and the offsets and code-point
// columns of its Span do not show in a diagnostic (TestDiagKeyCoversFinding
// keeps the list honest). Strings are length-prefixed so adjacent fields
// cannot run into each other.
func diagKey(b []byte, rr *rootResult, f *finding.Finding, manifestURI protocol.DocumentURI) []byte {
	b = keyString(b, string(f.Kind))
	b = keyString(b, string(f.Capability))
	b = keyString(b, string(f.Class))
	b = keyString(b, f.Rule)
	b = keyString(b, f.API)
	b = keyString(b, f.Message)
	b = keyString(b, string(f.Severity))
	b = binary.AppendVarint(b, int64(f.Risk))
	b = keyString(b, string(f.Manifest))
	b = keyString(b, f.Scope)
	b = keyString(b, f.ScopeKind)
	b = keyString(b, f.ScopeUnknown)
	b = keyString(b, f.ScopeEnv)
	b = keyString(b, f.ScopeOverride)
	b = binary.AppendUvarint(b, uint64(len(f.Scopes)))
	for _, sc := range f.Scopes {
		b = keyString(b, sc)
	}
	b = keyString(b, f.TaintSource)
	b = keyString(b, f.TaintTool)
	b = keyString(b, f.TaintRole)
	var flags byte
	if f.Server {
		flags |= 1
	}
	if f.Tainted {
		flags |= 2
	}
	if f.ScopeDynamic {
		flags |= 4
	}
	b = append(b, flags)
	b = keyString(b, string(manifestURI))
	b = binary.AppendUvarint(b, uint64(len(f.UndeclaredFor)))
	for _, t := range f.UndeclaredFor {
		b = keyString(b, t)
	}
	b = binary.AppendUvarint(b, uint64(len(f.Tools)))
	for _, t := range f.Tools {
		b = keyString(b, t)
	}
	return b
}

// maxRangeLen is the length of the longest encoded protocol.Range.
var maxRangeLen = len(appendRange(nil, protocol.Range{
	Start: protocol.Position{Line: math.MaxUint32, Character: math.MaxUint32},
	End:   protocol.Position{Line: math.MaxUint32, Character: math.MaxUint32},
}))

func keyString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// uriOf returns the URI to use for path: the client's own for open documents.
func (s *Server) uriOf(path string) protocol.DocumentURI {
	s.mu.Lock()
	d := s.docs[path]
	s.mu.Unlock()
	if d != nil {
		return d.uri
	}
	return pathToURI(path)
}

func (s *Server) toDiagnostic(rr *rootResult, f *finding.Finding, manifestURI protocol.DocumentURI) protocol.Diagnostic {
	d := diagnosticOf(f, manifestURI)
	for _, name := range f.Tools {
		if loc, ok := rr.toolLoc[name]; ok {
			d.RelatedInformation = append(d.RelatedInformation, relatedInfo(name, loc))
		}
	}
	return d
}

// diagnosticOf is the diagnostic of f without its related information
// (which publishFile splices in from rootResult.toolRel).
func diagnosticOf(f *finding.Finding, manifestURI protocol.DocumentURI) protocol.Diagnostic {
	sev := f.Severity
	if sev == "" {
		sev = finding.Policy{}.Severity(f)
	}
	data := &DiagnosticData{
		Kind: string(f.Kind), Capability: string(f.Capability), Class: string(f.Class), Rule: f.Rule, API: f.API,
		Tools: f.Tools, Server: f.Server, Manifest: string(f.Manifest), UndeclaredFor: f.UndeclaredFor,
		Scope: f.Scope, ScopeKind: f.ScopeKind, ScopeUnknown: f.ScopeUnknown, ScopeEnv: f.ScopeEnv, ScopeOverride: f.ScopeOverride, Scopes: f.Scopes, ScopeDynamic: f.ScopeDynamic, Tainted: f.Tainted, TaintTool: f.TaintTool, TaintSource: f.TaintSource,
		TaintRole: f.TaintRole, ManifestURI: manifestURI,
	}
	d := protocol.Diagnostic{
		Range:    lspRange(f.Span),
		Severity: lspSeverity(sev),
		Source:   "mcpriv",
		Message:  display.Escape(f.Message), // shown to people; Data keeps exact values
		Data:     data,
	}
	if f.Risk > 0 {
		data.Risk = f.Risk.String()
	}
	if f.Kind == finding.KindCapability {
		d.Code = string(f.Capability)
		if info, ok := capability.Lookup(f.Capability); ok {
			d.CodeDescription = &protocol.CodeDescription{Href: protocol.URI(info.DocsURL())}
			if d.Message == "" {
				d.Message = fmt.Sprintf("%s: %s", f.API, info.Title)
			}
			if data.Class == "" {
				data.Class = string(info.Class)
			}
		}
		if data.Scope == "" {
			data.Scope = "*"
		}
	} else {
		d.Code = string(f.Kind)
		d.CodeDescription = &protocol.CodeDescription{Href: protocol.URI(docsLSP + "#" + string(f.Kind))}
	}
	if d.Message == "" {
		d.Message = string(f.Kind)
	}
	return d
}

// relatedInfo points a diagnostic at the registration of a tool reaching it.
func relatedInfo(name string, loc protocol.Location) protocol.DiagnosticRelatedInformation {
	return protocol.DiagnosticRelatedInformation{Location: loc, Message: "tool " + strconv.Quote(name) + " reaches this call"}
}

const docsLSP = "https://github.com/mcpriv/mcpriv/blob/main/docs/lsp.md"

func nameOrSpan(t *finding.Tool) source.Span {
	if t.NameSpan.End.Offset > t.NameSpan.Start.Offset {
		return t.NameSpan
	}
	return t.Span
}

func lspSeverity(s finding.Severity) protocol.DiagnosticSeverity {
	switch s {
	case finding.Error:
		return protocol.DiagnosticSeverityError
	case finding.Warning:
		return protocol.DiagnosticSeverityWarning
	case finding.Hint:
		return protocol.DiagnosticSeverityHint
	}
	return protocol.DiagnosticSeverityInformation
}

// manifestFor returns the manifest governing path, as every front-end picks
// it (manifest.Find): the nearest ancestor directory (up to root) holding
// mcp-capabilities.yaml, open or on disk, else root's. The file may not exist.
func (s *Server) manifestFor(root, path string) string {
	return manifest.Find(filepath.Dir(path), root, s.manifestPresent)
}

// manifestPresent reports whether a manifest exists at p: open in the editor
// or on disk.
func (s *Server) manifestPresent(p string) bool {
	s.mu.Lock()
	_, open := s.docs[p]
	s.mu.Unlock()
	return open || fileExists(p)
}

// resultFor returns the latest result of path's root.
func (s *Server) resultFor(path string) *rootResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.results[s.rootOfLocked(path)]
}

// toolNames joins tool names for messages ("" is the server).
func toolNames(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		if n == "" {
			out[i] = "server"
		} else {
			out[i] = "`" + n + "`"
		}
	}
	return strings.Join(out, ", ")
}

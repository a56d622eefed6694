package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/manifest"
)

// Engine is the part of *engine.Engine the server uses. It is an interface
// so the protocol layer can be tested against hand-built results, and so the
// server is built by cmd/mcpriv without lsp importing the engine's
// dependencies twice.
type Engine interface {
	Files(ctx context.Context, root string) ([]string, []finding.FileError, error)
	Extract(ctx context.Context, path string, src []byte) (*facts.File, error)
	ExtractTree(path string, src []byte, tree *sitter.Tree) (*facts.File, error)
	Link(root string, files []*facts.File) *finding.Result
	Check(root string, res *finding.Result, overlay map[string][]byte)
	// Excluded reports whether a slash-separated path relative to a root
	// (a directory when dir is set) is excluded from analysis.
	Excluded(rel string, dir bool) bool
}

// EngineConfig is what an engine is built from; it changes with the settings.
type EngineConfig struct {
	RuleDirs    []string
	Excludes    []string
	MaxFileSize int64
	Policy      finding.Policy
}

// Grant is one manifest grant: capability with scope for a tool ("" is the
// server section).
type Grant struct {
	Tool       string
	Capability capability.ID
	Scope      string
	// Exact is false when the scope had to be widened ("*" for a non-literal argument).
	Exact bool
}

// ManifestName is the manifest's file name (docs: manifest.md).
const ManifestName = manifest.FileName

// Settings are the "mcpriv" settings section (initializationOptions or
// workspace/didChangeConfiguration). docs/lsp.md documents every field.
type Settings struct {
	// Severity maps a capability ID or a finding kind to error|warning|info|hint.
	Severity map[string]string `json:"severity,omitempty"`
	// Excludes are extra globs of paths not analysed.
	Excludes []string `json:"excludes,omitempty"`
	// ShowDeclared shows findings the manifest declares (as information).
	ShowDeclared *bool `json:"showDeclared,omitempty"`
	// RuleDirs are extra rule directories.
	RuleDirs []string `json:"ruleDirs,omitempty"`
	// MaxFileSize is the largest file analysed, in bytes.
	MaxFileSize int64 `json:"maxFileSize,omitempty"`
}

func (s Settings) showDeclared() bool { return s.ShowDeclared == nil || *s.ShowDeclared }

// parseSettings accepts either {"mcpriv": {...}} (VS Code, didChangeConfiguration)
// or the section itself (initializationOptions as most clients send it).
func parseSettings(raw json.RawMessage) (Settings, bool, error) {
	var s Settings
	if len(raw) == 0 || string(raw) == "null" {
		return s, false, nil
	}
	var wrapped map[string]json.RawMessage
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return s, false, fmt.Errorf("settings are not a JSON object: %w", err)
	}
	if inner, ok := wrapped["mcpriv"]; ok {
		raw = inner
		if string(raw) == "null" {
			return s, false, nil
		}
		wrapped = nil
		if err := json.Unmarshal(raw, &wrapped); err != nil {
			return s, false, fmt.Errorf("mcpriv settings are not a JSON object: %w", err)
		}
	} else if !looksLikeSection(wrapped) {
		return s, false, nil // another tool's settings only
	}
	// Lua and Vim script encode an empty table as [], not {}.
	for _, k := range []string{"severity", "excludes", "ruleDirs"} {
		if string(wrapped[k]) == "[]" || string(wrapped[k]) == "{}" || string(wrapped[k]) == "null" {
			delete(wrapped, k)
		}
	}
	raw, _ = json.Marshal(wrapped)
	if err := json.Unmarshal(raw, &s); err != nil {
		return Settings{}, false, fmt.Errorf("mcpriv settings: %w", err)
	}
	return s, true, s.validate()
}

func looksLikeSection(m map[string]json.RawMessage) bool {
	for _, k := range []string{"severity", "excludes", "showDeclared", "ruleDirs", "maxFileSize"} {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

func (s Settings) validate() error {
	var bad []string
	for k, v := range s.Severity {
		if parseSeverity(v) == "" {
			bad = append(bad, fmt.Sprintf("severity %q for %q (want error, warning, info or hint)", v, k))
		}
		if !capability.Valid(capability.ID(k)) && !knownKind(k) {
			bad = append(bad, fmt.Sprintf("unknown capability or kind %q in severity", k))
		}
	}
	if s.MaxFileSize < 0 {
		bad = append(bad, "maxFileSize is negative")
	}
	if len(bad) > 0 {
		return fmt.Errorf("mcpriv settings: %s", strings.Join(bad, "; "))
	}
	return nil
}

func knownKind(k string) bool {
	switch finding.Kind(k) {
	case finding.KindCapability, finding.KindUnusedGrant, finding.KindHintMismatch, finding.KindInvalidManifest, finding.KindSuppression, finding.KindUnanalysed:
		return true
	}
	return false
}

func parseSeverity(s string) finding.Severity {
	switch strings.ToLower(s) {
	case "error":
		return finding.Error
	case "warning", "warn":
		return finding.Warning
	case "info", "information":
		return finding.Info
	case "hint":
		return finding.Hint
	}
	return ""
}

// engineConfig turns settings into an engine configuration. Invalid entries
// were reported by validate and are skipped here.
func (s Settings) engineConfig() EngineConfig {
	p := finding.Policy{}
	for k, v := range s.Severity {
		sev := parseSeverity(v)
		if sev == "" {
			continue
		}
		if capability.Valid(capability.ID(k)) {
			if p.Capability == nil {
				p.Capability = map[capability.ID]finding.Severity{}
			}
			p.Capability[capability.ID(k)] = sev
		} else if knownKind(k) {
			if p.Kind == nil {
				p.Kind = map[finding.Kind]finding.Severity{}
			}
			p.Kind[finding.Kind(k)] = sev
		}
	}
	// "capability" sets every capability not named on its own.
	if sev := parseSeverity(s.Severity[string(finding.KindCapability)]); sev != "" {
		for _, info := range capability.All() {
			if _, ok := p.Capability[info.ID]; !ok {
				if p.Capability == nil {
					p.Capability = map[capability.ID]finding.Severity{}
				}
				p.Capability[info.ID] = sev
			}
		}
	}
	// Declared findings are filtered when publishing, not by the engine: hover
	// and code lens still need them.
	return EngineConfig{RuleDirs: s.RuleDirs, Excludes: s.Excludes, MaxFileSize: s.MaxFileSize, Policy: p}
}

package finding

import "github.com/mcpriv/mcpriv/analysis/capability"

// Policy turns a finding's risk, taint and manifest state into the severity
// shown. The CLI and the language server use the same policy, so a finding
// has the same severity in both; users override it through configuration.
type Policy struct {
	// Capability overrides the severity of every capability finding of an ID.
	Capability map[capability.ID]Severity `json:"capability,omitempty"`
	// Kind overrides the severity of manifest, hint and suppression findings.
	Kind map[Kind]Severity `json:"kind,omitempty"`
	// HideDeclared drops findings that the manifest declares within scope.
	HideDeclared bool `json:"hideDeclared,omitempty"`
}

// Severity returns the severity of f under p. Defaults:
//   - no manifest: information (warning when the risk is critical) — the
//     manifest spec wants undeclared-without-manifest to stay low;
//   - declared within scope: information;
//   - undeclared or out of scope: error when critical, else warning;
//   - manifest checks not run: by risk (critical error, high and medium
//     warning, low information);
//   - unused grants and hint mismatches warn, invalid manifests and bad
//     suppressions are errors and warnings;
//   - unanalysed code (skipped files, too deep nesting) is an error.
func (p Policy) Severity(f *Finding) Severity {
	if f.Kind == KindCapability {
		if s, ok := p.Capability[f.Capability]; ok {
			return s
		}
		switch f.Manifest {
		case NoManifest:
			if f.Risk >= capability.Critical {
				return Warning
			}
			return Info
		case Declared:
			return Info
		case Undeclared, OutOfScope:
			if f.Risk >= capability.Critical {
				return Error
			}
			return Warning
		}
		switch {
		case f.Risk >= capability.Critical:
			return Error
		case f.Risk >= capability.Medium:
			return Warning
		}
		return Info
	}
	if s, ok := p.Kind[f.Kind]; ok {
		return s
	}
	switch f.Kind {
	case KindInvalidManifest, KindUnanalysed:
		return Error
	case KindUnusedGrant, KindHintMismatch, KindSuppression:
		return Warning
	}
	return Warning
}

// Apply sets the severity of every finding of r and drops declared ones when
// HideDeclared is set.
func (p Policy) Apply(r *Result) {
	out := r.Findings[:0]
	for i := range r.Findings {
		f := &r.Findings[i]
		if p.HideDeclared && f.Kind == KindCapability && f.Manifest == Declared {
			continue
		}
		f.Severity = p.Severity(f)
		out = append(out, *f)
	}
	r.Findings = out
	for i := range r.Suppressed {
		r.Suppressed[i].Severity = p.Severity(&r.Suppressed[i])
	}
}

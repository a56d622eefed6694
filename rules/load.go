package rules

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/mcpriv/mcpriv/analysis/didyoumean"
	"github.com/mcpriv/mcpriv/analysis/safefile"
)

// maxRuleFile bounds a rule file's size: rule files are hand-written data,
// and a runaway file must not stall the language server.
const maxRuleFile = 4 << 20

// Load returns the embedded rules plus every *.yaml and *.yml file directly
// inside each of dirs (in name order, dirs in the order given). A rule whose
// ID already exists replaces the earlier one. All errors found are returned
// together, each as "file:line:col: message".
func Load(dirs ...string) (*Set, error) {
	base, err := embeddedRules()
	if err != nil {
		return nil, err
	}
	var errs []error
	byID := make(map[string]*Rule, len(base))
	for _, r := range base {
		byID[r.ID] = r
	}
	for _, dir := range dirs {
		// Opening a pipe given as the directory would block.
		if st, err := os.Stat(dir); err == nil && !st.IsDir() {
			errs = append(errs, fmt.Errorf("rule directory: %s is not a directory", dir))
			continue
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			errs = append(errs, fmt.Errorf("rule directory: %w", err))
			continue
		}
		for _, e := range entries {
			ext := strings.ToLower(filepath.Ext(e.Name()))
			if e.IsDir() || ext != ".yaml" && ext != ".yml" {
				continue
			}
			p := filepath.Join(dir, e.Name())
			data, err := readLimited(p)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			rs, err := parseFile(p, data)
			if err != nil {
				errs = append(errs, err)
			}
			for _, r := range rs {
				byID[r.ID] = r // a user rule replaces the rule of the same ID
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return build(byID), nil
}

var (
	embeddedOnce  sync.Once
	embeddedCache []*Rule
	embeddedErr   error
)

// embeddedRules parses the embedded files once; their rules are shared by
// every Set (rules are never modified after loading).
func embeddedRules() ([]*Rule, error) {
	embeddedOnce.Do(func() {
		names, err := fs.Glob(embedded, "*.yaml")
		if err != nil {
			embeddedErr = err
			return
		}
		// The files are parsed at once (the YAML is most of a scan's start-up,
		// on one core otherwise) and merged in name order, as one by one.
		type parsed struct {
			rules []*Rule
			err   error
		}
		out := make([]parsed, len(names))
		var wg sync.WaitGroup
		for i, n := range names {
			wg.Go(func() {
				data, err := embedded.ReadFile(n)
				if err != nil {
					out[i].err = err
					return
				}
				out[i].rules, out[i].err = parseFile("embedded:"+n, data)
			})
		}
		wg.Wait()
		var errs []error
		seen := map[string]*Rule{}
		for _, p := range out {
			if p.err != nil {
				errs = append(errs, p.err)
			}
			for _, r := range p.rules {
				if old, ok := seen[r.ID]; ok {
					errs = append(errs, fmt.Errorf("%s: rule %q is also defined in %s", r.Source, r.ID, old.Source))
					continue
				}
				seen[r.ID] = r
				embeddedCache = append(embeddedCache, r)
			}
		}
		embeddedErr = errors.Join(errs...)
	})
	return embeddedCache, embeddedErr
}

// readLimited reads a rule file: a regular file (or a link to one) of at
// most maxRuleFile bytes. A pipe named *.yaml would block the reader (and
// with it the language server's initialize), /dev/zero would never end.
func readLimited(p string) ([]byte, error) {
	data, err := safefile.Read(p, maxRuleFile)
	if errors.Is(err, safefile.ErrTooLarge) {
		return nil, fmt.Errorf("%s: rule file is larger than %d bytes", p, maxRuleFile)
	}
	return data, err
}

// fileDoc is a rule file: an optional default language and the rules.
type fileDoc struct {
	Language string `yaml:"language"`
	Rules    []Rule `yaml:"rules"`
}

// posErr is an error at a YAML node.
func posErr(file string, n *yaml.Node, format string, args ...any) error {
	if n == nil {
		return fmt.Errorf("%s: %s", file, fmt.Sprintf(format, args...))
	}
	return fmt.Errorf("%s:%d:%d: %s", file, n.Line, n.Column, fmt.Sprintf(format, args...))
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseFile parses and validates one rule file. It returns the valid rules
// and an error listing every problem found.
func parseFile(name string, data []byte) ([]*Rule, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			return nil, fmt.Errorf("%s:%s: %s", name, m[1], m[2])
		}
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(msg, "yaml: "))
	}
	if len(root.Content) == 0 {
		return nil, nil // empty file
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, posErr(name, doc, "a rule file is a mapping with a \"rules\" list (see docs/rules.md)")
	}
	var errs []error
	if err := checkFields(name, doc, reflect.TypeOf(fileDoc{})); err != nil {
		return nil, err
	}
	var fd fileDoc
	if err := decodeStrict(name, doc, &fd); err != nil {
		return nil, err
	}
	if fd.Language != "" && !validFamily(fd.Language) {
		errs = append(errs, posErr(name, field(doc, "language"), "unknown language %q (want js, python or go)", fd.Language))
	}
	list := field(doc, "rules")
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, posErr(name, doc, "no \"rules\" list")
	}
	seen := map[string]*yaml.Node{}
	var out []*Rule
	for i := range fd.Rules {
		r := &fd.Rules[i]
		n := list.Content[i]
		if r.Language == "" {
			r.Language = fd.Language
		}
		r.Source = name
		if e := validate(name, n, r); len(e) > 0 {
			errs = append(errs, e...)
			continue
		}
		if first, dup := seen[r.ID]; dup {
			errs = append(errs, posErr(name, field(n, "id"), "duplicate rule id %q (first at line %d)", r.ID, first.Line))
			continue
		}
		seen[r.ID] = field(n, "id")
		r.drivers = compile(r).drivers() // once, here: built-in rules are shared by every Set
		out = append(out, r)
	}
	return out, errors.Join(errs...)
}

// decodeStrict decodes n into v; unknown fields were already rejected by
// checkFields with their positions.
func decodeStrict(file string, n *yaml.Node, v any) error {
	err := n.Decode(v)
	if err == nil {
		return nil
	}
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return posErr(file, n, "%v", err)
	}
	var errs []error
	for _, e := range te.Errors {
		if m := typeLine.FindStringSubmatch(e); m != nil {
			errs = append(errs, fmt.Errorf("%s:%s: %s", file, m[1], m[2]))
		} else {
			errs = append(errs, fmt.Errorf("%s: %s", file, e))
		}
	}
	return errors.Join(errs...)
}

var typeLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// checkFields rejects mapping keys that are not yaml fields of t, recursing
// into nested structs and slices of structs, so every unknown key is reported
// at its own line and column.
func checkFields(file string, n *yaml.Node, t reflect.Type) error {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		if t.Kind() == reflect.Slice {
			if n.Kind != yaml.SequenceNode {
				return nil // a type error: Decode reports it
			}
			var errs []error
			for _, c := range n.Content {
				if err := checkFields(file, c, t.Elem()); err != nil {
					errs = append(errs, err)
				}
			}
			return errors.Join(errs...)
		}
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || n.Kind != yaml.MappingNode {
		return nil
	}
	fields := map[string]reflect.Type{}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		fields[tag] = t.Field(i).Type
		names = append(names, tag)
	}
	var errs []error
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ft, ok := fields[k.Value]
		if !ok {
			msg := fmt.Sprintf("unknown field %q", k.Value)
			if s := didyoumean.Closest(k.Value, names, 3); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			errs = append(errs, posErr(file, k, "%s", msg))
			continue
		}
		if err := checkFields(file, v, ft); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// field returns the value node of key in mapping n, or nil.
func field(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// item returns element i of sequence n, or n itself when it is not one.
func item(n *yaml.Node, i int) *yaml.Node {
	if n != nil && n.Kind == yaml.SequenceNode && i < len(n.Content) {
		return n.Content[i]
	}
	return n
}

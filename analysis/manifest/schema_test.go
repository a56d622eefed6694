package manifest

import (
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
)

// TestSchemaMatchesTaxonomy keeps docs/schema/mcp-capabilities.schema.json
// in step with the capability IDs and with the scope syntax Parse accepts.
func TestSchemaMatchesTaxonomy(t *testing.T) {
	data, err := os.ReadFile("../../docs/schema/mcp-capabilities.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Definitions map[string]struct {
			Pattern    string `json:"pattern"`
			Const      string `json:"const"`
			Properties map[string]struct {
				Ref string `json:"$ref"`
			} `json:"properties"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	props := schema.Definitions["grants"].Properties
	var got []string
	for id, p := range props {
		got = append(got, id)
		info, ok := capability.Lookup(capability.ID(id))
		if !ok {
			t.Errorf("schema has unknown capability %s", id)
			continue
		}
		if want := "#/definitions/" + string(info.Scope) + "Scopes"; p.Ref != want {
			t.Errorf("%s: $ref %s, want %s", id, p.Ref, want)
		}
	}
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(capability.IDs(), ",") {
		t.Errorf("schema capabilities %v, want %v", got, capability.IDs())
	}
	// Every scope Parse accepts must pass the schema, or editors would
	// underline valid manifests.
	valid := map[capability.ScopeKind][]string{
		capability.ScopeHost:    {"*", "api.github.com", "*.github.com", "api.github.com:443", "[::1]:8080", "10.0.0.1", "::1", "api.github.com."},
		capability.ScopePort:    {"*", "3000", ":3000", "127.0.0.1:3000", "[::1]:3000", "localhost:8080"},
		capability.ScopePath:    {"*", "/tmp/**", "${ROOT}/**", "${ROOT}", "~/.config/*.json", "~", "data/**"},
		capability.ScopeEnv:     {"*", "GITHUB_TOKEN", "GITHUB_*", "_X"},
		capability.ScopeProgram: {"*", "git", "/usr/bin/git", "git.exe"},
		capability.ScopeLibrary: {"*", "libc.so.6", "/opt/lib/**"},
	}
	for kind, scopes := range valid {
		def := schema.Definitions[string(kind)+"Scope"]
		re, err := regexp.Compile(def.Pattern)
		if err != nil {
			t.Fatalf("%s pattern: %v", kind, err)
		}
		for _, s := range scopes {
			if ValidateScope(kind, s) != nil {
				t.Errorf("test scope %q is not valid %s", s, kind)
			}
			if def.Pattern != "" && !re.MatchString(s) {
				t.Errorf("schema rejects valid %s scope %q", kind, s)
			}
		}
	}
	if schema.Definitions["noneScope"].Const != "*" {
		t.Error(`scopeless capabilities must take only "*"`)
	}
}

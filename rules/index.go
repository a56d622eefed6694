package rules

import (
	"sort"
	"strings"
)

// build indexes the rules.
func build(byID map[string]*Rule) *Set {
	s := &Set{byID: byID, fams: map[string]*family{}}
	for _, r := range byID {
		s.rules = append(s.rules, r)
	}
	sort.Slice(s.rules, func(i, j int) bool { return s.rules[i].ID < s.rules[j].ID })
	for _, fam := range Families {
		s.fams[fam] = &family{
			calls: map[string][]*compiled{}, access: map[string][]*compiled{},
			callWild: map[string][]*compiled{}, accessWild: map[string][]*compiled{},
			callChain: map[string][]*chain{}, accessChain: map[string][]*chain{},
			words: map[string]bool{},
		}
	}
	for _, r := range s.rules {
		f := s.fams[r.Language]
		c := compile(r)
		for _, mod := range r.Modules {
			if strings.Contains(mod, "*") {
				f.globs = append(f.globs, &globRule{pattern: mod, literal: mod[:strings.IndexByte(mod, '*')],
					c: c, calls: r.Calls, access: r.Access})
			} else {
				for _, p := range r.Calls {
					indexPath(f.calls, f.callWild, f.callChain, mod, p, c)
				}
				for _, p := range r.Access {
					indexPath(f.access, f.accessWild, f.accessChain, mod, p, c)
				}
			}
			addWords(f.words, r, mod)
		}
	}
	return s
}

func indexPath(exact, wild map[string][]*compiled, chains map[string][]*chain, mod, p string, c *compiled) {
	switch {
	case p == "":
		exact[mod] = append(exact[mod], c)
	case p == "*":
		wild[mod] = append(wild[mod], c)
	case strings.HasSuffix(p, ".*"):
		k := mod + "." + strings.TrimSuffix(p, ".*")
		wild[k] = append(wild[k], c)
	case strings.Contains(p, "**"):
		i := strings.Index(p, "**")
		last := p[i+3:]
		chains[last] = append(chains[last], &chain{prefix: mod + "." + p[:i], c: c})
	default:
		k := mod + "." + p
		exact[k] = append(exact[k], c)
	}
}

package web

import (
	"slices"
	"strings"
	"time"

	"shuyu/internal/catalog"
)

// revisionView is one edit of an entry: when, by whom, and what changed,
// worded in the reader's language.
type revisionView struct {
	Revision int
	At       time.Time
	By       string
	Changes  []string
}

// revisionViews compares each revision with the one before it, newest
// first. editors are the names of who made the last len(editors) revisions,
// oldest first (the ledger may have pruned the earliest).
func revisionViews(lang string, s *catalog.Scheme, revs []catalog.Dataset, editors []string) []revisionView {
	out := make([]revisionView, 0, len(revs))
	skip := len(revs) - len(editors)
	for i, d := range revs {
		rv := revisionView{Revision: d.Revision, At: d.UpdatedAt}
		if j := i - skip; j >= 0 && j < len(editors) {
			rv.By = editors[j]
		}
		if i == 0 {
			rv.Changes = []string{translate(lang, "rev.created")}
		} else {
			rv.Changes = changes(lang, s, revs[i-1], d)
		}
		out = append(out, rv)
	}
	slices.Reverse(out)
	return out
}

func changes(lang string, s *catalog.Scheme, a, b catalog.Dataset) []string {
	var out []string
	add := func(key string, args ...any) { out = append(out, translate(lang, key, args...)) }
	yes := func(v bool) string {
		return translate(lang, map[bool]string{true: "common.yes", false: "common.no"}[v])
	}
	freq := func(f catalog.Frequency) string { return translate(lang, "freq."+string(f)) }
	if a.Title != b.Title {
		add("rev.change", translate(lang, "entry.title"), a.Title, b.Title)
	}
	if a.Description != b.Description {
		add("rev.description")
	}
	if a.Frequency != b.Frequency {
		add("rev.change", translate(lang, "entry.frequency"), freq(a.Frequency), freq(b.Frequency))
	}
	if a.PrivacyUnit != b.PrivacyUnit {
		add("rev.change", translate(lang, "entry.privacy_unit"), orDash(a.PrivacyUnit), orDash(b.PrivacyUnit))
	}
	if a.InScope != b.InScope {
		add("rev.change", translate(lang, "entry.in_scope"), yes(a.InScope), yes(b.InScope))
	}
	var added, removed []string
	for _, f := range b.Fields {
		old, ok := a.Field(f.Name)
		if !ok {
			added = append(added, f.Name)
			continue
		}
		attr := func(key, x, y string) {
			if x != y {
				add("rev.field_change", f.Name, translate(lang, key), x, y)
			}
		}
		attr("field.type", translate(lang, "ftype."+string(old.Type)), translate(lang, "ftype."+string(f.Type)))
		attr("field.title", old.Title, f.Title)
		if old.Description != f.Description {
			add("rev.field_described", f.Name)
		}
		attr("field.classification", classPath(lang, s, old.Classification), classPath(lang, s, f.Classification))
		attr("field.grade", gradeName(lang, s, old.Grade), gradeName(lang, s, f.Grade))
	}
	for _, f := range a.Fields {
		if _, ok := b.Field(f.Name); !ok {
			removed = append(removed, f.Name)
		}
	}
	sep := translate(lang, "list.sep")
	if len(added) > 0 {
		add("rev.added", strings.Join(added, sep))
	}
	if len(removed) > 0 {
		add("rev.removed", strings.Join(removed, sep))
	}
	if len(out) == 0 {
		add("rev.none")
	}
	return out
}

func gradeName(lang string, s *catalog.Scheme, code string) string {
	if g, ok := s.Grade(code); ok {
		return localName(lang, g.Name, g.NameEN)
	}
	return orDash(code)
}

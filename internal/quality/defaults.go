package quality

import "shuyu/internal/catalog"

// The classifications of the built-in scheme whose values have a check
// digit. A deployment with its own scheme sets rules explicitly.
const (
	classPersonalIdentity   = "personal.identity"
	classEnterpriseIdentity = "enterprise.identity"
)

// Defaults derives rules from an entry's catalog description, so that every
// entry has a score before its commissioner writes any rule: the
// privacy-unit column is present and unique (it identifies a person or an
// enterprise), identity numbers pass GB 11643, credit codes GB 32100.
// Typed fields need no format rule: ingestion already refused values that
// do not fit their declared type.
func Defaults(d catalog.Dataset) []Rule {
	var out []Rule
	if _, ok := d.Field(d.PrivacyUnit); ok {
		out = append(out, Rule{Field: d.PrivacyUnit, Kind: NotNull}, Rule{Field: d.PrivacyUnit, Kind: Unique})
	}
	for _, f := range d.Fields {
		if f.Type != catalog.Text {
			continue
		}
		switch f.Classification {
		case classPersonalIdentity:
			out = append(out, Rule{Field: f.Name, Kind: IDNumber})
		case classEnterpriseIdentity:
			out = append(out, Rule{Field: f.Name, Kind: USCC})
		}
	}
	return out
}

// fieldTypes maps an entry's fields to their declared types.
func fieldTypes(d catalog.Dataset) map[string]string {
	out := make(map[string]string, len(d.Fields))
	for _, f := range d.Fields {
		out[f.Name] = string(f.Type)
	}
	return out
}

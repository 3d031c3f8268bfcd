package catalog

import (
	"fmt"
	"slices"
	"strings"

	"shuyu/internal/errs"
)

// Input is a catalog entry as a commissioner writes it. On update, nil
// fields stay as they are.
type Input struct {
	Name        *string    `json:"name"`
	Title       *string    `json:"title"`
	Description *string    `json:"description"`
	ProviderID  *string    `json:"provider_id"`
	Frequency   *Frequency `json:"frequency"`
	Fields      *[]Field   `json:"fields"`
	PrivacyUnit *string    `json:"privacy_unit"`
	InScope     *bool      `json:"in_scope"`
}

// reserved are SQL words that cannot name a dataset, since analysts write
// dataset names as table names.
var reserved = []string{"select", "from", "where", "group", "order", "by", "join", "on", "as", "and", "or", "not",
	"null", "table", "union", "with", "limit", "having", "case", "when", "then", "else", "end", "in", "is", "all"}

const maxFields = 200

// apply validates in and copies it onto d, using the scheme for grades and
// classes. The error names the field at fault and how to fix it.
func (s *Scheme) apply(d *Dataset, in Input) error {
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		if !identifier.MatchString(name) || slices.Contains(reserved, name) {
			return errs.E(errs.Invalid, "name: %q must be 1–63 lower-case letters, digits or '_', start with a letter and not be an SQL word (analysts query it as a table)", name)
		}
		d.Name = name
	}
	if in.Title != nil {
		d.Title = strings.TrimSpace(*in.Title)
	}
	if d.Title == "" || len([]rune(d.Title)) > 100 {
		return errs.E(errs.Invalid, "title: required, at most 100 characters")
	}
	if in.Description != nil {
		d.Description = strings.TrimSpace(*in.Description)
		if len([]rune(d.Description)) > 4000 {
			return errs.E(errs.Invalid, "description: at most 4,000 characters")
		}
	}
	if in.Frequency != nil {
		if !slices.Contains(Frequencies, *in.Frequency) {
			return errs.E(errs.Invalid, "frequency: %q is not one of %v", *in.Frequency, Frequencies)
		}
		d.Frequency = *in.Frequency
	}
	if d.Frequency == "" {
		return errs.E(errs.Invalid, "frequency: required, one of %v", Frequencies)
	}
	if in.Fields != nil {
		fields, err := s.checkFields(*in.Fields)
		if err != nil {
			return err
		}
		d.Fields = fields
	}
	if len(d.Fields) == 0 {
		return errs.E(errs.Invalid, "fields: at least one field is required")
	}
	if in.PrivacyUnit != nil {
		d.PrivacyUnit = strings.TrimSpace(*in.PrivacyUnit)
	}
	if _, ok := d.Field(d.PrivacyUnit); d.PrivacyUnit != "" && !ok {
		return errs.E(errs.Invalid, "privacy_unit: %q is not a field of the entry", d.PrivacyUnit)
	}
	if in.InScope != nil {
		d.InScope = *in.InScope
	}
	grades := make([]string, len(d.Fields))
	for i, f := range d.Fields {
		grades[i] = f.Grade
	}
	d.Grade = s.Highest(grades...)
	if d.InScope && d.Grade == Core {
		var core []string
		for _, f := range d.Fields {
			if f.Grade == Core {
				core = append(core, f.Name)
			}
		}
		return errs.E(errs.Invalid, "in_scope: core data (核心数据) can never enter the authorized-operation scope; the fields %s are graded core", strings.Join(core, ", "))
	}
	return nil
}

func (s *Scheme) checkFields(in []Field) ([]Field, error) {
	if len(in) > maxFields {
		return nil, errs.E(errs.Invalid, "fields: %d fields; at most %d", len(in), maxFields)
	}
	out := make([]Field, len(in))
	seen := map[string]bool{}
	for i, f := range in {
		where := fmt.Sprintf("fields[%d]", i)
		f.Name, f.Title, f.Description = strings.TrimSpace(f.Name), strings.TrimSpace(f.Title), strings.TrimSpace(f.Description)
		switch {
		case !identifier.MatchString(f.Name):
			return nil, errs.E(errs.Invalid, "%s.name: %q must be lower-case letters, digits or '_', starting with a letter", where, f.Name)
		case seen[f.Name]:
			return nil, errs.E(errs.Invalid, "%s.name: %q appears twice", where, f.Name)
		case !slices.Contains(FieldTypes, f.Type):
			return nil, errs.E(errs.Invalid, "%s.type: %q is not one of %v", where, f.Type, FieldTypes)
		case len([]rune(f.Title)) > 100 || len([]rune(f.Description)) > 1000:
			return nil, errs.E(errs.Invalid, "%s: title at most 100 characters, description at most 1,000", where)
		}
		if _, ok := s.Class(f.Classification); !ok {
			return nil, errs.E(errs.Invalid, "%s.classification: %q is not in the classification tree", where, f.Classification)
		}
		if _, ok := s.Grade(f.Grade); !ok {
			return nil, errs.E(errs.Invalid, "%s.grade: %q is not a grade of the scheme", where, f.Grade)
		}
		seen[f.Name] = true
		out[i] = f
	}
	return out, nil
}

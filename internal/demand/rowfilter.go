package demand

import (
	"fmt"
	"strings"

	"shuyu/internal/catalog"
	"shuyu/internal/errs"
	"shuyu/internal/sandbox"
)

// MaxConditions bounds the row filter of one dataset of a demand.
const MaxConditions = 20

// rowFilter checks the row filter asked for on one dataset (at names it in
// the request) and adds it to the dataset of the grant, normalized: each
// condition on a catalogued field of the dataset, not core data, not its
// privacy-unit column nor a field that identifies someone (those the
// catalog's classification masks), with an operator of sandbox.Ops and values of
// the field's type. A field the filter reads but the demand does not ask
// for joins the grant invisible (role none): the grant's views filter on
// it, queries cannot name it.
func rowFilter(entry catalog.Dataset, in []sandbox.Condition, g *sandbox.Dataset, at string) error {
	if len(in) > MaxConditions {
		return errs.E(errs.Invalid, "%s: %d conditions; a row filter has at most %d (they are ANDed)", at, len(in), MaxConditions)
	}
	for i := range in {
		c := &in[i]
		here := fmt.Sprintf("%s[%d]", at, i)
		c.Column = strings.TrimSpace(c.Column)
		f, ok := entry.Field(c.Column)
		switch {
		case !ok:
			return errs.E(errs.Invalid, "%s.column: %s has no field %q in the catalog; a row filter reads one of its fields", here, entry.Name, c.Column)
		case f.Grade == catalog.Core:
			return errs.E(errs.Invalid, "%s.column: %s.%s is graded core data (核心数据), which no grant reads", here, entry.Name, f.Name)
		case f.Name == entry.PrivacyUnit || sandbox.MaskForClass(f.Classification).Kind != "":
			return errs.E(errs.Invalid, "%s.column: a row filter names a population (a district, a status, a period), never people or units by "+
				"%s.%s (the privacy-unit column, or a name, identity number, contact or address)", here, entry.Name, f.Name)
		}
		n, err := c.Check(string(f.Type))
		if err != nil {
			return errs.E(errs.Invalid, "%s.%v (%s.%s is %s)", here, err, entry.Name, f.Name, f.Type)
		}
		*c = n
		if !hasField(g.Columns, f.Name) {
			g.Columns = append(g.Columns, sandbox.Column{Name: f.Name, Type: string(f.Type), Role: sandbox.None})
		}
		g.RowFilter = append(g.RowFilter, n)
	}
	return nil
}

func hasField(cols []sandbox.Column, name string) bool {
	for _, c := range cols {
		if c.Name == name {
			return true
		}
	}
	return false
}

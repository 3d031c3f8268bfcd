package sandbox

import (
	"fmt"
	"strings"
)

// MaskKind names a masking function (脱敏). Masks are applied inside the
// grant's views, so a query can only ever see the masked value: filters,
// joins and expressions over a masked column work on the mask.
type MaskKind string

const (
	// MaskIDNumber keeps the first six and last four characters of a
	// resident identity number: 370702********1234.
	MaskIDNumber MaskKind = "id_number"
	// MaskName keeps the first character of a name: 张*, 欧阳**.
	MaskName MaskKind = "name"
	// MaskMobile keeps the first three and last four digits: 138****5678.
	MaskMobile MaskKind = "mobile"
	// MaskAddress cuts an address after its district (county, county-level
	// city, banner): 山东省潍坊市奎文区.
	MaskAddress MaskKind = "address"
	// MaskPartial keeps Prefix leading and Suffix trailing characters.
	MaskPartial MaskKind = "partial"
	// MaskRedact replaces every value with ***.
	MaskRedact MaskKind = "redact"
)

// Mask is the masking of one column; the zero Mask shows the value as is.
type Mask struct {
	Kind   MaskKind `json:"kind,omitempty"`
	Prefix int      `json:"prefix,omitempty"`
	Suffix int      `json:"suffix,omitempty"`
}

// MaskForClass is the default mask of a catalog classification code, so
// that a grant derived from the catalog masks by grade without being told.
func MaskForClass(class string) Mask {
	switch class {
	case "personal.identity":
		return Mask{Kind: MaskIDNumber}
	case "personal.name":
		return Mask{Kind: MaskName}
	case "personal.contact":
		return Mask{Kind: MaskMobile}
	case "geographic.address":
		return Mask{Kind: MaskAddress}
	case "personal.financial", "geographic.coordinate":
		return Mask{Kind: MaskRedact}
	}
	return Mask{}
}

func (m Mask) validate(typ string) error {
	switch m.Kind {
	case "":
		return nil
	case MaskIDNumber, MaskName, MaskMobile, MaskAddress, MaskRedact:
	case MaskPartial:
		if m.Prefix < 0 || m.Suffix < 0 || m.Prefix+m.Suffix > 64 {
			return fmt.Errorf("a partial mask keeps 0–64 characters")
		}
	default:
		return fmt.Errorf("mask %q is not one of id_number, name, mobile, address, partial, redact", m.Kind)
	}
	if typ != "text" {
		return fmt.Errorf("only text columns can be masked")
	}
	return nil
}

// districtPattern finds the part of a Chinese address up to its district:
// an optional province, an optional prefecture, then the first 区, 县, 市
// or 旗. It is RE2 syntax, as DuckDB's regexp functions use.
const districtPattern = `^(?:[^省]{1,8}省|[^区]{1,10}自治区)?(?:[^市州盟]{1,10}(?:市|自治州|州|盟|地区))?[^区县市旗]{1,16}(?:区|县|市|旗)`

// sql renders the mask of column expression x (a quoted identifier).
func (m Mask) sql(x string) string {
	keep := func(prefix, suffix int) string {
		n := prefix + suffix
		return fmt.Sprintf("CASE WHEN length(%[1]s) > %[2]d THEN left(%[1]s, %[3]d) || repeat('*', length(%[1]s) - %[2]d) || right(%[1]s, %[4]d) "+
			"ELSE repeat('*', length(%[1]s)) END", x, n, prefix, suffix)
	}
	switch m.Kind {
	case MaskIDNumber:
		return keep(6, 4)
	case MaskName:
		return keep(1, 0)
	case MaskMobile:
		return keep(3, 4)
	case MaskPartial:
		return keep(m.Prefix, m.Suffix)
	case MaskAddress:
		return fmt.Sprintf("CASE WHEN %[1]s IS NULL THEN NULL WHEN regexp_matches(%[1]s, %[2]s) THEN regexp_extract(%[1]s, %[2]s) ELSE '***' END",
			x, quote(districtPattern))
	case MaskRedact:
		return fmt.Sprintf("CASE WHEN %s IS NULL THEN NULL ELSE '***' END", x)
	}
	return x
}

// pgSQL renders the mask in PostgreSQL's dialect: as sql, but for the
// address, matched with PostgreSQL's regular expressions (the pattern is
// within what both engines read alike).
func (m Mask) pgSQL(x string) string {
	if m.Kind == MaskAddress {
		return fmt.Sprintf("CASE WHEN %[1]s IS NULL THEN NULL WHEN %[1]s ~ %[2]s THEN (regexp_match(%[1]s, %[2]s))[1] ELSE '***' END",
			x, quote(districtPattern))
	}
	return m.sql(x)
}

// quote renders s as an SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// ident renders s as an SQL identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

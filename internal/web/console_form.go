package web

import (
	"shuyu/internal/access"

	"strconv"
	"strings"
)

// fieldView is one labelled input as the "input" template draws it: label,
// optional hint, the error for this field when the last submission failed,
// and the value as typed (never for passwords).
type fieldView struct {
	ID, Name, Label, Value, Type string
	Required, Autofocus          bool
	Autocomplete, Hint, Err      string
	MaxLen                       int
}

// Describe lists the ids of the hint and the error, for aria-describedby.
func (f fieldView) Describe() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if f.Err != "" {
		ids = append(ids, f.ID+"-err")
	}
	return strings.Join(ids, " ")
}

// makeField is the template function field:
//
//	{{template "input" (field $ "name" "org.name" .Values.Name "text" "required" "max=100")}}
//
// Flags: required, autofocus, ac=<autocomplete>, hint=<catalog key>, max=<length>.
func makeField(v *view, name, label, value, typ string, flags ...string) fieldView {
	f := fieldView{ID: "f-" + name, Name: name, Label: label, Value: value, Type: typ, Err: v.ErrFor(name)}
	if typ == "password" {
		f.Value = ""
	}
	for _, fl := range flags {
		k, val, _ := strings.Cut(fl, "=")
		switch k {
		case "required":
			f.Required = true
		case "autofocus":
			f.Autofocus = true
		case "ac":
			f.Autocomplete = val
		case "hint":
			f.Hint = val
		case "max":
			f.MaxLen, _ = strconv.Atoi(val)
		default:
			panic("console: unknown field flag " + fl) // a template defect, caught by the tests
		}
	}
	return f
}

// rolesView is the role checkboxes: the roles the organization's kind may
// hold (access.RolesFor), those ticked, and the error about roles, if any.
type rolesView struct {
	Allowed, Selected []access.Role
	Err               string
}

func makeRolesField(v *view, allowed, selected []access.Role) rolesView {
	return rolesView{Allowed: allowed, Selected: selected, Err: v.ErrFor("roles")}
}

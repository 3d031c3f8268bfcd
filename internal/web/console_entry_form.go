package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/catalog"
)

// The create and edit forms of a catalog entry. Fields are repeated rows
// numbered f0, f1, …; "more rows" sends the form back with empty rows added
// and ticked rows removed, so that no script is needed. The privacy unit is
// a radio button on each row: unlike a select drawn with the names known
// when the page was made, it follows a row whose name was just typed.

const (
	extraRows = 3
	// maxRows bounds the rows a form may carry: the catalog allows 200
	// fields, plus room for empty ones.
	maxRows = 250
)

// fieldRow is one field as typed.
type fieldRow struct {
	Name, Type, Title, Description, Class, Grade string
	Remove                                       bool
	// Err is the problem with this row, ErrAttr the input it concerns.
	Err, ErrAttr string
}

// entryValues is the entry form as typed.
type entryValues struct {
	Name, Title, Description, Frequency string
	InScope                             bool
	// PrivacyRow is the row holding the privacy unit; -1 for none.
	PrivacyRow int
	Rows       []fieldRow
	Revision   int // of the entry the edit started from
}

// entryFormPage is the create or edit page.
type entryFormPage struct {
	Scheme  *catalog.Scheme
	New     bool
	Ref     string // the entry edited
	Values  entryValues
	Types   []catalog.FieldType
	Freqs   []catalog.Frequency
	Classes []classOption
	Action  string // where the form posts
}

// classOption is a node of the classification tree in a select, under the
// top-level class it belongs to.
type classOption struct {
	Code, Group string
	Depth       int
}

func classOptions(lang string, s *catalog.Scheme) []classOption {
	var out []classOption
	var walk func(cs []catalog.Class, group string, depth int)
	walk = func(cs []catalog.Class, group string, depth int) {
		for _, c := range cs {
			g := group
			if depth == 0 {
				g = localName(lang, c.Name, c.NameEN)
			}
			out = append(out, classOption{Code: c.Code, Group: g, Depth: depth})
			walk(c.Children, g, depth+1)
		}
	}
	walk(s.Classes, "", 0)
	return out
}

func entryValuesOf(d catalog.Dataset) entryValues {
	in := entryValues{Name: d.Name, Title: d.Title, Description: d.Description, Frequency: string(d.Frequency),
		InScope: d.InScope, PrivacyRow: -1, Revision: d.Revision}
	for i, f := range d.Fields {
		in.Rows = append(in.Rows, fieldRow{Name: f.Name, Type: string(f.Type), Title: f.Title, Description: f.Description,
			Class: f.Classification, Grade: f.Grade})
		if f.Name == d.PrivacyUnit {
			in.PrivacyRow = i
		}
	}
	return in
}

// entryValuesFrom reads the form.
func entryValuesFrom(r *http.Request) entryValues {
	in := entryValues{Name: formValue(r, "name"), Title: formValue(r, "title"), Description: formValue(r, "description"),
		Frequency: formValue(r, "frequency"), InScope: r.PostFormValue("in_scope") != "", PrivacyRow: -1}
	in.Revision, _ = strconv.Atoi(formValue(r, "revision"))
	if pr, err := strconv.Atoi(formValue(r, "privacy_unit")); err == nil {
		in.PrivacyRow = pr
	}
	n, _ := strconv.Atoi(formValue(r, "rows"))
	for i := range min(max(n, 0), maxRows) {
		k := "f" + strconv.Itoa(i) + "."
		in.Rows = append(in.Rows, fieldRow{Name: formValue(r, k+"name"), Type: formValue(r, k+"type"), Title: formValue(r, k+"title"),
			Description: formValue(r, k+"description"), Class: formValue(r, k+"class"), Grade: formValue(r, k+"grade"),
			Remove: r.PostFormValue(k+"remove") != ""})
	}
	return in
}

// blank says a row was left empty.
func (f fieldRow) blank() bool { return f.Name == "" && f.Title == "" && f.Description == "" }

// input turns the form into the catalog's input. kept maps each field
// of the input to the row it came from, so that an error about fields[i]
// lands on the row. A grade left to the class takes the class's suggested
// grade.
func (in entryValues) input(s *catalog.Scheme) (catalog.Input, []int) {
	var (
		fields []catalog.Field
		kept   []int
		pu     string
	)
	for i, row := range in.Rows {
		if i == in.PrivacyRow {
			pu = row.Name
		}
		if row.Remove || row.blank() {
			continue
		}
		grade := row.Grade
		if c, ok := s.Class(row.Class); ok && grade == "" {
			grade = c.Grade
		}
		fields = append(fields, catalog.Field{Name: row.Name, Type: catalog.FieldType(row.Type), Title: row.Title,
			Description: row.Description, Classification: row.Class, Grade: grade})
		kept = append(kept, i)
	}
	freq := catalog.Frequency(in.Frequency)
	return catalog.Input{Title: &in.Title, Description: &in.Description, Frequency: &freq, Fields: &fields,
		PrivacyUnit: &pu, InScope: &in.InScope}, kept
}

// tidy drops the rows ticked for removal, keeping the privacy unit on its
// row, and adds empty rows so that there are extra to fill in.
func (in *entryValues) tidy(extra int) {
	var rows []fieldRow
	pr := -1
	for i, row := range in.Rows {
		if row.Remove {
			continue
		}
		if i == in.PrivacyRow {
			pr = len(rows)
		}
		rows = append(rows, row)
	}
	for range extra {
		if len(rows) < maxRows {
			rows = append(rows, fieldRow{Type: string(catalog.Text)})
		}
	}
	in.Rows, in.PrivacyRow = rows, pr
}

var listField = regexp.MustCompile(`^fields\[([0-9]+)\](?:\.([a-z_]+))?$`)

// placeRowError puts an error about fields[i] on the row it came from,
// naming the row as the form does.
func placeRowError(lang string, fe *formError, in *entryValues, kept []int) {
	m := listField.FindStringSubmatch(fe.Field)
	if m == nil {
		return
	}
	i, _ := strconv.Atoi(m[1])
	if i >= len(kept) {
		return
	}
	row := &in.Rows[kept[i]]
	fe.Message = rowMessage(translate(lang, "entry_form.row", kept[i]+1), fe.Message, fmt.Sprintf("fields[%d]", i))
	row.Err, row.ErrAttr = fe.Message, m[2]
	fe.Field = fmt.Sprintf("f%d", kept[i])
}

// rowMessage rewrites a service message about a list item ("fields[0].name:
// …") with the row's label as people see it ("Field 1 — name: …").
func rowMessage(label, msg, item string) string {
	rest, ok := strings.CutPrefix(msg, item)
	if !ok {
		return msg
	}
	rest = strings.TrimPrefix(strings.TrimPrefix(rest, "."), ": ")
	return label + " — " + rest
}

func (c *console) entryFormPage(lang string, isNew bool, ref string, in entryValues) entryFormPage {
	page := entryFormPage{Scheme: c.Catalog.Scheme(), New: isNew, Ref: ref, Values: in, Types: catalog.FieldTypes,
		Freqs: catalog.Frequencies, Classes: classOptions(lang, c.Catalog.Scheme()), Action: "/console/catalog/new"}
	if !isNew {
		page.Action = "/console/catalog/" + ref + "/edit"
	}
	return page
}

func (c *console) entryNewForm(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.entry_new"
	if err := access.Check(*v.User, access.CatalogWrite, ownOrg(*v.User)); err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	in := entryValues{Frequency: string(catalog.Monthly), PrivacyRow: -1}
	in.tidy(extraRows)
	c.render(w, r, v, http.StatusOK, "entry_form", c.entryFormPage(v.Lang, true, "", in))
}

func (c *console) entryNewSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.entry_new"
	in := entryValuesFrom(r)
	if r.PostFormValue("op") == "more" {
		in.tidy(extraRows)
		c.render(w, r, v, http.StatusOK, "entry_form", c.entryFormPage(v.Lang, true, "", in))
		return
	}
	ci, kept := in.input(c.Catalog.Scheme())
	ci.Name = &in.Name
	d, err := c.Catalog.Create(r.Context(), *v.User, ci)
	if err != nil {
		c.entryFormFailed(w, r, v, err, true, "", in, kept)
		return
	}
	c.seeOther(w, r, entryPath(d), "flash.entry_created", d.Name)
}

func (c *console) entryEditForm(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.entry_edit"
	d, o, err := c.entryProvider(r.Context(), *v.User, r.PathValue("id"))
	if err == nil {
		err = access.Check(*v.User, access.CatalogWrite, o.Resource())
	}
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	in := entryValuesOf(d)
	in.tidy(1)
	c.render(w, r, v, http.StatusOK, "entry_form", c.entryFormPage(v.Lang, false, entryRef(d), in))
}

func (c *console) entryEditSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.entry_edit"
	in := entryValuesFrom(r)
	d, o, err := c.entryProvider(r.Context(), *v.User, r.PathValue("id"))
	if err == nil {
		err = access.Check(*v.User, access.CatalogWrite, o.Resource())
	}
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	in.Name = d.Name
	if r.PostFormValue("op") == "more" {
		in.tidy(extraRows)
		c.render(w, r, v, http.StatusOK, "entry_form", c.entryFormPage(v.Lang, false, entryRef(d), in))
		return
	}
	ci, kept := in.input(c.Catalog.Scheme())
	if in.Revision != d.Revision {
		// Someone saved meanwhile: show what was typed over the new
		// revision, to be checked and saved again.
		in.Revision = d.Revision
		c.entryFormFailed(w, r, v, errStale, false, entryRef(d), in, kept)
		return
	}
	if _, err := c.Catalog.Update(r.Context(), *v.User, d.ID, ci); err != nil {
		c.entryFormFailed(w, r, v, err, false, entryRef(d), in, kept)
		return
	}
	c.seeOther(w, r, entryPath(d), "flash.entry_saved", d.Name)
}

// entryFormFailed shows the form again as typed, with the error on the row
// or input it concerns.
func (c *console) entryFormFailed(w http.ResponseWriter, r *http.Request, v *view, err error, isNew bool, ref string, in entryValues, kept []int) {
	v.Err = c.errorFrom(r, v.Lang, err)
	placeRowError(v.Lang, v.Err, &in, kept)
	c.render(w, r, v, v.Err.Status, "entry_form", c.entryFormPage(v.Lang, isNew, ref, in))
}

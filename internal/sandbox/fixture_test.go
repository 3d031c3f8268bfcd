package sandbox

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/duckdb/duckdb-go/v2"

	"shuyu/internal/demo"
	"shuyu/internal/errs"
)

// Marker is planted in every value of an un-granted column of the test
// data (social_insurance.name); no answer or error may ever contain it.
const marker = "QX7SECRET"

// private matches values that must never leave: planted markers and
// resident identity numbers; creditCode matches unified social credit
// codes, which only a list grant may output.
var (
	private    = regexp.MustCompile(marker + `|[1-9][0-9]{16}[0-9X]`)
	creditCode = regexp.MustCompile(`[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}`)
)

// world is the test domain: the demo datasets at a small scale, as version
// Parquet files, and one sandbox over them.
type world struct {
	dir   string
	sb    *Sandbox
	files map[string]string // dataset → version file
	ids   atomic.Int64
}

var (
	shared     *world
	sharedErr  error
	sharedOnce sync.Once
)

// testScale gives 4,000 insured people, 1,000 enterprises.
const testScale = 0.02

func theWorld(t testing.TB) *world {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = newWorld(testScale) })
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedPG != nil {
		sharedPG.close()
	}
	if shared != nil {
		shared.sb.Close()
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

var engineTypes = map[string]string{"text": "VARCHAR", "integer": "BIGINT", "decimal": "DECIMAL(18,4)", "date": "DATE"}

// newWorld writes the demo datasets as Parquet version files, the way the
// domain stores them, and opens a sandbox over a domain directory.
func newWorld(scale float64) (*world, error) {
	dir, err := os.MkdirTemp("", "shuyu-sandbox-")
	if err != nil {
		return nil, err
	}
	w := &world{dir: dir, files: map[string]string{}}
	if err := writeDatasets(dir, scale, w.files); err != nil {
		return nil, err
	}
	w.sb, err = Open(context.Background(), Config{Dir: filepath.Join(dir, "domain")})
	return w, err
}

func writeDatasets(dir string, scale float64, files map[string]string) error {
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return err
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	for _, d := range demo.Datasets(scale) {
		csvPath := filepath.Join(dir, d.Name+".csv")
		f, err := os.Create(csvPath)
		if err != nil {
			return err
		}
		if err := d.WriteCSV(f); err != nil {
			return err
		}
		f.Close()
		var cols, sel []string
		for _, fl := range d.Fields {
			cols = append(cols, fmt.Sprintf("%s: '%s'", quote(fl.Name), engineTypes[fl.Type]))
			x := ident(fl.Name)
			if d.Name == "social_insurance" && fl.Name == "name" {
				x = quote(marker) + " || " + x
			}
			sel = append(sel, x+" AS "+ident(fl.Name))
		}
		out := filepath.Join(dir, "domain", "datasets", d.Name, "v1-"+d.Name+".parquet")
		os.MkdirAll(filepath.Dir(out), 0o700)
		q := fmt.Sprintf("COPY (SELECT %s FROM read_csv(%s, header = true, columns = {%s})) TO %s (FORMAT parquet)",
			strings.Join(sel, ", "), quote(csvPath), strings.Join(cols, ", "), quote(out))
		if _, err := db.Exec(q); err != nil {
			return fmt.Errorf("%s: %w", d.Name, err)
		}
		os.Remove(csvPath)
		files[d.Name] = out
	}
	return nil
}

func (w *world) version(name string) Version {
	return Version{ID: "v1-" + name, Path: w.files[name]}
}

// id gives each test's grant its own ID, so that audit histories, budgets
// and sessions do not mix.
func (w *world) id(prefix string) string { return fmt.Sprintf("%s-%d", prefix, w.ids.Add(1)) }

func cols(specs ...string) []Column {
	types := map[string]string{"birth_date": "date", "insured_since": "date", "established_date": "date", "monthly_base_yuan": "integer",
		"registered_capital_wan": "decimal", "year": "integer"}
	var out []Column
	for _, s := range specs {
		name, role, _ := strings.Cut(s, ":")
		typ := types[name]
		if typ == "" {
			typ = "text"
		}
		c := Column{Name: name, Type: typ, Role: Role(role)}
		if m, ok := strings.CutPrefix(role, "output/"); ok {
			c.Role, c.Mask = Output, Mask{Kind: MaskKind(m)}
		}
		out = append(out, c)
	}
	return out
}

func (w *world) socialInsurance() Dataset {
	return Dataset{Name: "social_insurance", PrivacyUnit: "id_number", Version: w.version("social_insurance"),
		Columns: cols("id_number:privacy_unit", "name:none", "gender:dimension", "birth_date:dimension", "district:dimension",
			"employer_uscc:join", "insured_since:dimension", "monthly_base_yuan:measure")}
}

func (w *world) enterprises() Dataset {
	return Dataset{Name: "enterprise_registry", PrivacyUnit: "uscc", Version: w.version("enterprise_registry"),
		Columns: cols("uscc:privacy_unit", "name:none", "legal_rep_name:none", "legal_rep_id_number:none", "district:dimension",
			"industry:dimension", "registered_capital_wan:measure", "established_date:none", "status:dimension")}
}

// The grants of issue 5's demo (item 11).

func (w *world) aggregateGrant() Grant {
	return Grant{ID: w.id("agg"), OrgID: "op1", Rule: Aggregate, K: 10, Datasets: []Dataset{w.socialInsurance(), w.enterprises()}}
}

func (w *world) dpGrant() Grant {
	return Grant{ID: w.id("dp"), OrgID: "op1", Rule: DP, K: 10, Datasets: []Dataset{w.socialInsurance()},
		DP: &DPSpec{Epsilon: 3, Delta: 1e-5, QueryEpsilon: 0.5, QueryDelta: 1e-6, Bounds: map[string]Bound{"monthly_base_yuan": {0, 30000}}}}
}

func (w *world) reviewGrant() Grant {
	return Grant{ID: w.id("review"), OrgID: "op1", Rule: Review, Datasets: []Dataset{w.socialInsurance()}}
}

func (w *world) listGrant() Grant {
	return Grant{ID: w.id("list"), OrgID: "op1", Rule: List, K: 10, Datasets: []Dataset{
		{Name: "enterprise_registry", PrivacyUnit: "uscc", Version: w.version("enterprise_registry"),
			Columns: cols("uscc:output", "name:output", "legal_rep_name:output/name", "legal_rep_id_number:output/id_number", "district:output",
				"industry:output", "registered_capital_wan:output", "established_date:output", "status:output")},
		{Name: "tax_credit", PrivacyUnit: "uscc", Version: w.version("tax_credit"), Columns: cols("uscc:output", "year:output", "grade:output")},
	}}
}

// ask runs a query and checks that nothing private is in the answer or
// the error.
func (w *world) ask(t *testing.T, g Grant, q string) (Answer, error) {
	t.Helper()
	ans, err := w.sb.Query(context.Background(), g, Request{SQL: q})
	leak(t, g, ans, err)
	return ans, err
}

func leak(t testing.TB, g Grant, ans Answer, err error) {
	t.Helper()
	if err != nil {
		_, msg, details := errs.Public(err)
		text := msg + fmt.Sprint(details)
		if m := private.FindString(text) + creditCode.FindString(text); m != "" {
			t.Errorf("the error reveals %q: %s", m, msg)
		}
	}
	text := fmt.Sprint(ans.Columns, printable(ans.Rows), ans.Notes)
	m := private.FindString(text)
	if g.Rule != List {
		m += creditCode.FindString(text)
	}
	if m != "" {
		t.Errorf("the answer reveals %q", m)
	}
}

// printable formats floats with 15 significant digits: the digits beyond
// are those of the binary fraction (1/390 prints as 0.002564102564102564),
// whose runs would pass for an identity number or a credit code; a float
// holds no more than 17 digits of an identifier cast to it anyway.
func printable(rows [][]any) [][]any {
	out := make([][]any, len(rows))
	for i, r := range rows {
		out[i] = make([]any, len(r))
		for j, v := range r {
			if f, ok := v.(float64); ok {
				v = strconv.FormatFloat(f, 'g', 15, 64)
			}
			out[i][j] = v
		}
	}
	return out
}

package evaluation_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shuyu/internal/calendar"
	"shuyu/internal/evaluation"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestDefaultTemplate guards the built-in template: it parses, its items
// cover the subjects Art. 24 and the agreement's evaluation criteria name,
// and every item tells reviewers how to score.
func TestDefaultTemplate(t *testing.T) {
	t.Parallel()
	tpl := evaluation.DefaultTemplate()
	var sections []string
	for _, s := range tpl.Sections {
		sections = append(sections, s.Key)
	}
	want := "compliance security delivery disclosure cooperation benefit"
	if got := strings.Join(sections, " "); got != want {
		t.Errorf("sections %q, want %q", got, want)
	}
	if g := tpl.Grade(59.99); g != "不合格" {
		t.Errorf("59.99 grades %s", g)
	}
}

// TestTemplateChecks refuses broken templates with a message that says where.
func TestTemplateChecks(t *testing.T) {
	t.Parallel()
	item := func(key string, weight string) string {
		return `{"key": "` + key + `", "title": "项", "weight": ` + weight + `, "guidance": "说明"}`
	}
	doc := func(items, bands string) string {
		return `{"version": "v1", "name": "表", "sections": [{"key": "s", "title": "节", "items": [` + items + `]}], "bands": [` + bands + `]}`
	}
	bands := `{"grade": "合格", "min": 60}, {"grade": "不合格", "min": 0}`
	for _, tc := range []struct{ name, json, want string }{
		{"weights not 100", doc(item("a", "40")+","+item("b", "40"), bands), "add up to 80"},
		{"duplicate key", doc(item("a", "50")+","+item("a", "50"), bands), `"a" appears twice`},
		{"bad key", doc(item("A-1", "100"), bands), `sections[0].items[0].key: "A-1"`},
		{"zero weight", doc(item("a", "0")+","+item("b", "100"), bands), "weight 0"},
		{"bands out of order", doc(item("a", "100"), `{"grade": "合格", "min": 60}, {"grade": "良好", "min": 80}, {"grade": "不合格", "min": 0}`), "bands[1] (良好)"},
		{"no floor band", doc(item("a", "100"), `{"grade": "合格", "min": 60}`), "must have min 0"},
		{"unknown field", strings.Replace(doc(item("a", "100"), bands), `"name"`, `"nmae"`, 1), "unknown field"},
		{"no version", strings.Replace(doc(item("a", "100"), bands), `"v1"`, `""`, 1), "version: required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := evaluation.ParseTemplate([]byte(tc.json)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseTemplate: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestTotalsAndBands scores the hand-made template (30 + 20 + 50 points)
// and checks each band's edges, computed by hand.
func TestTotalsAndBands(t *testing.T) {
	t.Parallel()
	tpl := small("v1")
	for _, tc := range []struct {
		scope, staff, benefit float64
		total                 float64
		grade                 string
	}{
		{30, 20, 50, 100, "优秀"},
		{30, 10, 50, 90, "优秀"},       // 30 + 10 + 50
		{29.99, 10, 50, 89.99, "良好"}, // just below 优秀
		{30, 20, 30, 80, "良好"},
		{20, 10, 30, 60, "合格"},
		{20, 9.5, 30.49, 59.99, "不合格"},
		{0, 0, 0, 0, "不合格"},
		{12.5, 7.25, 33.333, 53.08, "不合格"}, // 53.083 shown as 53.08
		{29.996, 20, 40, 90, "优秀"},         // 89.996 rounds to 90.00: the grade follows what people see
	} {
		total, grade := tpl.Total(map[string]float64{"scope": tc.scope, "staff": tc.staff, "benefit": tc.benefit})
		if total != tc.total || grade != tc.grade {
			t.Errorf("%v + %v + %v = %v %s, want %v %s", tc.scope, tc.staff, tc.benefit, total, grade, tc.total, tc.grade)
		}
	}
}

// TestTemplateVersionsKept opens an evaluation with one template, changes
// the deployment's template, and reads the evaluation with the old one. A
// changed text under an old version is refused at start.
func TestTemplateVersionsKept(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, small("v1"))
		bureau := e.As(t, "bureau")
		opened, err := e.ev.Open(ctx, bureau, evaluation.OpenInput{AgreementID: e.agreement(), Year: 2025})
		if err != nil {
			t.Fatal(err)
		}
		upgraded := e.service(t, nil) // the deployment now runs the built-in template
		got, err := upgraded.Evaluation(ctx, bureau, opened.ID)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, it := range got.Items {
			keys = append(keys, it.Key)
		}
		if got.TemplateVersion != "v1" || strings.Join(keys, " ") != "scope staff benefit" {
			t.Errorf("after the upgrade the evaluation reads %s with items %v; want v1 with scope staff benefit", got.TemplateVersion, keys)
		}
		infos, err := upgraded.Templates(ctx)
		if err != nil || len(infos) != 2 || !infos[0].Current || infos[0].Version != evaluation.DefaultTemplate().Version || infos[1].Version != "v1" {
			t.Errorf("templates: %+v, %v; want the built-in one (current), then v1", infos, err)
		}
		changed := small("v1")
		changed.Sections[0].Items[0].Weight, changed.Sections[0].Items[1].Weight = 25, 25
		s := evaluation.New(db, e.Ledger, e.IDs, calendar.Default(), e.ags, evaluation.Options{Template: changed, EvidenceDir: t.TempDir()})
		if err := s.Install(ctx); err == nil || !strings.Contains(err.Error(), "new version") {
			t.Errorf("installing a changed v1: %v; want a refusal asking for a new version", err)
		}
	}, migrations()...)
}

// TestLoadTemplate reads a deployment's file.
func TestLoadTemplate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "template.json")
	if err := os.WriteFile(path, []byte(`{"version": "x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := evaluation.LoadTemplate(path); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "name: required") {
		t.Errorf("LoadTemplate of a broken file: %v; want the path and the problem", err)
	}
}

package catalog_test

import (
	"context"
	"strings"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/app/apptest"
	"shuyu/internal/catalog"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

func principal(t *testing.T, env *apptest.Env, username string) access.Principal {
	t.Helper()
	p, err := env.App.Identity.PrincipalOf(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func newEntry(name string) catalog.Input {
	return catalog.Input{Name: ptr(name), Title: ptr("就业登记"), Frequency: ptr(catalog.Monthly), PrivacyUnit: ptr("id_number"),
		Fields: &[]catalog.Field{
			{Name: "id_number", Type: catalog.Text, Classification: "personal.identity", Grade: "general-4"},
			{Name: "employed_on", Type: catalog.Date, Classification: "personal.social", Grade: "general-3"},
		}}
}

func TestCatalogEntries(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := apptest.New(t, d)
			cat := env.App.Catalog
			hrss, amr := principal(t, env, "provider-hrss"), principal(t, env, "provider-amr")

			e, err := cat.Create(ctx, hrss, newEntry("employment"))
			if err != nil {
				t.Fatal(err)
			}
			if e.Grade != "general-4" || e.Revision != 1 || e.InScope || e.ProviderName != "潍坊市人力资源和社会保障局" {
				t.Errorf("created %+v", e)
			}
			// Only the owner's commissioner edits; a name is taken once.
			if _, err := cat.Update(ctx, amr, e.ID, catalog.Input{Title: ptr("x")}); !errs.Is(err, errs.Forbidden) {
				t.Errorf("another provider editing: %v, want forbidden", err)
			}
			if _, err := cat.Create(ctx, hrss, newEntry("employment")); !errs.Is(err, errs.Conflict) {
				t.Errorf("a second entry with the same name: %v, want conflict", err)
			}
			// Core data never enters the operation scope.
			core := *newEntry("x").Fields
			core[1].Grade = catalog.Core
			_, err = cat.Update(ctx, hrss, e.ID, catalog.Input{Fields: &core, InScope: ptr(true)})
			if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "employed_on") {
				t.Errorf("core data in scope: %v, want invalid naming the field", err)
			}
			e, err = cat.Update(ctx, hrss, e.ID, catalog.Input{InScope: ptr(true), Description: ptr("每月更新")})
			if err != nil || e.Revision != 2 || !e.InScope {
				t.Fatalf("update: %+v %v", e, err)
			}
			revs, err := cat.Revisions(ctx, hrss, "employment")
			if err != nil || len(revs) != 2 || revs[0].InScope || !revs[1].InScope {
				t.Errorf("revisions %+v %v", revs, err)
			}
			entries, err := env.App.Ledger.Entries(ctx, ledger.Filter{ObjectType: "dataset", ObjectID: e.ID})
			if err != nil || len(entries) != 2 || entries[0].Action != "catalog.update" {
				t.Errorf("ledger entries of the entry: %+v %v", entries, err)
			}

			// Who sees what: the county sees none of the city's entries; an
			// operator sees entries in scope only; a provider reads its own and
			// browses others' in scope.
			names := func(username string) string {
				list, _, err := cat.List(ctx, principal(t, env, username), store.NewPage(0, ""))
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, d := range list {
					out = append(out, d.Name)
				}
				return strings.Join(out, ",")
			}
			if _, err := cat.Create(ctx, amr, newEntry("amr_private")); err != nil {
				t.Fatal(err)
			}
			for user, want := range map[string]string{
				"kuiwen":        "",
				"operator":      "employment,enterprise_registry,social_insurance,tax_credit",
				"provider-amr":  "amr_private,employment,enterprise_registry,social_insurance,tax_credit",
				"provider-tax":  "employment,enterprise_registry,social_insurance,tax_credit",
				"bureau":        "amr_private,employment,enterprise_registry,social_insurance,tax_credit",
				"regulator":     "amr_private,employment,enterprise_registry,social_insurance,tax_credit",
				"provider-hrss": "employment,enterprise_registry,social_insurance,tax_credit",
			} {
				if got := names(user); got != want {
					t.Errorf("%s sees %q, want %q", user, got, want)
				}
			}
			if _, err := cat.Get(ctx, principal(t, env, "operator"), "amr_private"); !errs.Is(err, errs.Forbidden) {
				t.Errorf("an operator reading an entry outside the scope: %v, want forbidden", err)
			}
			if _, _, err := cat.List(ctx, principal(t, env, "appunit"), store.NewPage(0, "")); !errs.Is(err, errs.Forbidden) {
				t.Errorf("an application unit listing the catalog: %v, want forbidden", err)
			}
		})
	}
}

func TestCatalogValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := apptest.New(t, store.SQLite)
	hrss := principal(t, env, "provider-hrss")
	bad := func(mut func(*catalog.Input), want string) {
		t.Helper()
		in := newEntry("valid_name")
		mut(&in)
		_, err := env.App.Catalog.Create(ctx, hrss, in)
		if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", want, err)
		}
	}
	bad(func(in *catalog.Input) { in.Name = ptr("Select") }, "name")
	bad(func(in *catalog.Input) { in.Name = ptr("select") }, "SQL word")
	bad(func(in *catalog.Input) { in.Title = ptr("") }, "title")
	bad(func(in *catalog.Input) { in.Frequency = ptr(catalog.Frequency("hourly")) }, "frequency")
	bad(func(in *catalog.Input) { in.PrivacyUnit = ptr("nobody") }, "privacy_unit")
	bad(func(in *catalog.Input) { in.Fields = &[]catalog.Field{} }, "at least one field")
	bad(func(in *catalog.Input) {
		in.Fields = &[]catalog.Field{{Name: "a", Type: "text", Classification: "other", Grade: "general-1"}, {Name: "a", Type: "text", Classification: "other", Grade: "general-1"}}
	}, "twice")
	bad(func(in *catalog.Input) { (*in.Fields)[0].Type = "blob" }, "fields[0].type")
	bad(func(in *catalog.Input) { (*in.Fields)[1].Classification = "martian" }, "fields[1].classification")
	bad(func(in *catalog.Input) { (*in.Fields)[1].Grade = "secret" }, "fields[1].grade")
	in := newEntry("valid_name")
	in.ProviderID = ptr(env.Demo.Orgs["bureau"])
	if _, err := env.App.Catalog.Create(ctx, hrss, in); !errs.Is(err, errs.Forbidden) {
		t.Errorf("an entry for another organization: %v, want forbidden", err)
	}
}

func TestDefaultSchemeParses(t *testing.T) {
	t.Parallel()
	s := catalog.DefaultScheme()
	if s.Highest("general-1", "important", "general-4") != "important" {
		t.Error("important does not rank above general data")
	}
	for _, bad := range []string{`{"grades":[]}`, `{"grades":[{"code":"core","name":"c","rank":1},{"code":"important","name":"i","rank":2}]}`,
		`{"grades":[{"code":"core","name":"c","rank":2},{"code":"important","name":"i","rank":1}],"classes":[{"code":"a","name":"a","grade":"nope"}]}`} {
		if _, err := catalog.ParseScheme([]byte(bad)); err == nil {
			t.Errorf("scheme %s was accepted", bad)
		}
	}
}

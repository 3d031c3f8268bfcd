package demand_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"shuyu/internal/app/apptest"
	"shuyu/internal/demand"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
	"shuyu/internal/workspace"
)

// TestDemoGrants: shuyu demo gives the operator's analyst issue 5's demo
// grants (item 11), made by approved demands under the demo agreement;
// each is complete and runs a typical query on the real sandbox over the
// demo data; seeding again makes nothing twice.
func TestDemoGrants(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := apptest.New(t, d)
			ctx := context.Background()
			a := env.App
			analyst, err := a.Identity.PrincipalOf(ctx, "analyst")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.SeedDemo(ctx, apptest.Password, apptest.RowsScale); err != nil {
				t.Fatal(err)
			}
			grants, _, err := a.Demands.Grants(ctx, analyst, store.NewPage(50, ""))
			if err != nil {
				t.Fatal(err)
			}
			byRule := map[sandbox.Rule]demand.Grant{}
			for _, g := range grants {
				if _, twice := byRule[g.Rule]; twice || g.State != "active" {
					t.Errorf("grant %s (%s) %s: one active grant per rule", g.ID, g.Rule, g.State)
				}
				byRule[g.Rule] = g
			}
			roles := func(g demand.Grant) []string {
				var out []string
				for _, c := range g.Columns {
					s := c.Dataset + "." + c.Name + ":" + string(c.Role)
					if c.Mask.Kind != "" {
						s += "/" + string(c.Mask.Kind)
					}
					out = append(out, s)
				}
				slices.Sort(out)
				return out
			}
			insured := []string{"social_insurance.birth_date:dimension", "social_insurance.district:dimension", "social_insurance.gender:dimension",
				"social_insurance.id_number:privacy_unit", "social_insurance.insured_since:dimension", "social_insurance.monthly_base_yuan:measure"}
			want := map[sandbox.Rule][]string{
				sandbox.Aggregate: append(slices.Clone(insured), "enterprise_registry.district:dimension", "enterprise_registry.industry:dimension",
					"enterprise_registry.registered_capital_wan:measure", "enterprise_registry.status:dimension", "enterprise_registry.uscc:join",
					"social_insurance.employer_uscc:join"),
				sandbox.DP:     insured,
				sandbox.Review: insured,
				sandbox.List: {"enterprise_registry.district:output", "enterprise_registry.established_date:output", "enterprise_registry.industry:output",
					"enterprise_registry.legal_rep_id_number:output/id_number", "enterprise_registry.legal_rep_name:output/name",
					"enterprise_registry.name:output", "enterprise_registry.registered_capital_wan:output", "enterprise_registry.status:output",
					"enterprise_registry.uscc:output", "tax_credit.grade:output", "tax_credit.uscc:output", "tax_credit.year:output"},
			}
			for rule, w := range want {
				slices.Sort(w)
				if g, ok := byRule[rule]; !ok || !slices.Equal(roles(g), w) {
					t.Errorf("%s grant columns:\n%v\nwant\n%v", rule, roles(g), w)
				}
			}
			if g := byRule[sandbox.Aggregate]; g.K != 10 || len(g.Datasets) != 2 {
				t.Errorf("aggregate grant: k %d over %v", g.K, g.Datasets)
			}
			if g := byRule[sandbox.DP]; g.EpsilonTotal != 3 {
				t.Errorf("dp grant: ε %v", g.EpsilonTotal)
			}

			sb, err := sandbox.Open(ctx, workspace.SandboxConfig(a.DB, a.Domain.Dir()))
			if err != nil {
				t.Fatal(err)
			}
			defer sb.Close()
			idNumber := regexp.MustCompile(`[1-9][0-9]{16}[0-9X]`)
			for rule, q := range map[sandbox.Rule]string{
				sandbox.Aggregate: `SELECT e.industry, COUNT(DISTINCT s.id_number) AS people, AVG(s.monthly_base_yuan) AS base
					FROM social_insurance s JOIN enterprise_registry e ON s.employer_uscc = e.uscc GROUP BY e.industry`,
				sandbox.DP:     `SELECT district, COUNT(*) AS n FROM social_insurance GROUP BY district`,
				sandbox.Review: `SELECT gender, AVG(monthly_base_yuan) AS base FROM social_insurance GROUP BY gender`,
				sandbox.List:   `SELECT e.name, e.legal_rep_name, e.legal_rep_id_number, t.grade FROM enterprise_registry e JOIN tax_credit t ON t.uscc = e.uscc WHERE t.year = 2025 LIMIT 5`,
			} {
				h, err := a.Demands.Held(ctx, byRule[rule].ID)
				if err != nil {
					t.Fatalf("%s: %v", rule, err)
				}
				ans, err := sb.Query(ctx, h.Spec, sandbox.Request{SQL: q})
				if err != nil {
					t.Errorf("%s query: %v", rule, err)
					continue
				}
				if rule != sandbox.Review && len(ans.Rows) == 0 {
					t.Errorf("%s query answered no rows", rule)
				}
				for _, row := range ans.Rows {
					if rule == sandbox.List {
						if name, _ := row[1].(string); !strings.Contains(name, "*") {
							t.Errorf("legal representative %q unmasked", name)
						}
					}
					for _, v := range row {
						if s, ok := v.(string); ok && idNumber.MatchString(s) {
							t.Errorf("%s answer carries an ID number: %q", rule, s)
						}
					}
				}
			}
		})
	}
}

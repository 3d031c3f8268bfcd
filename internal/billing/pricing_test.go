package billing_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/billing"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// wantErr fails unless err has code and its message holds every part.
func wantErr(t *testing.T, what string, err error, code errs.Code, parts ...string) {
	t.Helper()
	if errs.CodeOf(err) != code {
		t.Fatalf("%s: %v; want %s", what, err, code)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %q does not say %q", what, err, p)
		}
	}
}

func TestPricing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		bureau, operator := e.As(t, "bureau"), e.As(t, "operator")
		in := billing.CapInput{ProductName: "企业纳税信用等级核验", AgreementID: e.agreement, Method: billing.PerCall, CapFen: 50,
			ExpectedVolume: 10000, Basis: "单位成本 0.4 元/次加合理利润"}

		_, err := e.billing.SetCap(ctx, bureau, "p1", 2026, in)
		wantErr(t, "cap before a maximum", err, errs.Conflict, "approve it first")
		_, err = e.billing.SetMaximum(ctx, e.As(t, "kuiwen"), e.agreement, 2026, billing.MaximumInput{CostFen: 1, Basis: "x"})
		wantErr(t, "the county's bureau sets the city's maximum", err, errs.Forbidden)
		_, err = e.billing.SetMaximum(ctx, bureau, e.agreement, 2031, billing.MaximumInput{CostFen: 1, Basis: "x"})
		wantErr(t, "a year outside the term", err, errs.Invalid, "outside the agreement's term")
		m := e.maximum(t, 2026, 10000)
		if m.ApprovedFen != 1_000_000 || m.EffectiveFen != 1_000_000 || m.CarriedFen != 0 {
			t.Fatalf("maximum: %+v", m)
		}

		_, err = e.billing.SetCap(ctx, operator, "p1", 2026, in)
		wantErr(t, "the operator sets its own cap", err, errs.Forbidden)
		c := e.capOf(t, "p1", 2026, billing.PerCall, 50, 10000)
		if c.CapFen != 50 || c.OperatorID != e.Orgs["operator"] || c.Price != nil {
			t.Fatalf("cap: %+v", c)
		}
		// 500,000 committed; 10 fen × 60,000 = 600,000 more is over 1,000,000.
		_, err = e.billing.SetCap(ctx, bureau, "p2", 2026, billing.CapInput{ProductName: "x", AgreementID: e.agreement, Method: billing.PerRecord,
			CapFen: 10, ExpectedVolume: 60000, Basis: "x"})
		wantErr(t, "caps beyond the maximum", err, errs.Invalid, "¥6,000.00", "¥5,000.00", "¥11,000.00", "¥10,000.00")
		_, err = e.billing.SetMaximum(ctx, bureau, e.agreement, 2026, billing.MaximumInput{CostFen: 400_000, Basis: "复核"})
		wantErr(t, "a maximum below the caps", err, errs.Conflict, "¥5,000.00", "lower the caps first")

		_, err = e.billing.SetPrice(ctx, operator, "p1", 2026, billing.PriceInput{PriceFen: 60, Basis: "按成本"})
		wantErr(t, "a price above the cap", err, errs.Invalid, "60 fen/次", "cap of 50 fen/次", "at most 50")
		_, err = e.billing.SetPrice(ctx, bureau, "p1", 2026, billing.PriceInput{PriceFen: 40, Basis: "按成本"})
		wantErr(t, "the unit sets the operator's price", err, errs.Forbidden)
		_, err = e.billing.SetPrice(ctx, operator, "nope", 2026, billing.PriceInput{PriceFen: 40, Basis: "按成本"})
		wantErr(t, "a price without a cap", err, errs.Conflict, "no price cap")
		// Access comes first: whoever may not set the price learns nothing
		// of the caps, not even that there is none.
		for _, who := range []string{"bureau", "regulator", "appunit"} {
			_, err = e.billing.SetPrice(ctx, e.As(t, who), "nope", 2026, billing.PriceInput{PriceFen: 40, Basis: "按成本"})
			wantErr(t, who+" pricing a product without a cap", err, errs.Forbidden)
			if strings.Contains(err.Error(), "cap") {
				t.Errorf("%s is told of caps: %v", who, err)
			}
		}
		// Another operator is refused another's product in any year, capped or not.
		for _, year := range []int{2026, 2030} {
			_, err = e.billing.SetPrice(ctx, e.As(t, "operator2"), "p1", year, billing.PriceInput{PriceFen: 40, Basis: "按成本"})
			wantErr(t, fmt.Sprintf("another operator pricing p1 in %d", year), err, errs.Forbidden)
		}
		_, err = e.billing.SetPrice(ctx, access.Principal{}, "nope", 2026, billing.PriceInput{PriceFen: 40, Basis: "按成本"})
		wantErr(t, "an anonymous caller pricing", err, errs.Unauthenticated)
		c = e.price(t, "p1", 2026, 40, true)
		if c.Price == nil || c.Price.PriceFen != 40 || !c.Price.Trial {
			t.Fatalf("price: %+v", c.Price)
		}

		// Lowering the cap under the price lowers the price.
		c = e.capOf(t, "p1", 2026, billing.PerCall, 30, 10000)
		if c.Price.PriceFen != 30 {
			t.Errorf("price under a lowered cap: %d; want 30", c.Price.PriceFen)
		}
		// A trial price only in the first year.
		e.maximum(t, 2027, 10000)
		e.capOf(t, "p1", 2027, billing.PerCall, 30, 10000)
		_, err = e.billing.SetPrice(ctx, operator, "p1", 2027, billing.PriceInput{PriceFen: 30, Trial: true, Basis: "按成本"})
		wantErr(t, "a trial price in the second year", err, errs.Invalid, "first priced year, 2026")

		// p3 is capped but not published: its prices are no public fact.
		e.capOf(t, "p3", 2026, billing.PerCall, 10, 10000)
		if _, _, err := e.billing.Public(ctx, 2026, store.NewPage(50, "")); err == nil {
			t.Error("public prices with no source of published products: no error")
		}
		published := publishedSet{"p1"}
		e.billing.SetPublished(&published)
		pub, _, err := e.billing.Public(ctx, 2026, store.NewPage(50, ""))
		if err != nil || len(pub) != 1 || pub[0].CapFen != 30 || pub[0].PriceFen == nil || *pub[0].PriceFen != 30 || pub[0].CapBasis == "" ||
			pub[0].PriceBasis != "按成本定价" || pub[0].Unit != "次" {
			t.Fatalf("public prices: %+v, %v", pub, err)
		}
		published = publishedSet{"p1", "p3"}
		if pub, _, err = e.billing.Public(ctx, 2026, store.NewPage(1, "")); err != nil || len(pub) != 1 || pub[0].ProductID != "p1" {
			t.Fatalf("public prices, first page: %+v, %v", pub, err)
		}
		if pub, _, err = e.billing.Public(ctx, 2026, store.NewPage(1, "p1")); err != nil || len(pub) != 1 || pub[0].ProductID != "p3" {
			t.Fatalf("public prices once p3 is published, second page: %+v, %v", pub, err)
		}
		published = nil
		if pub, _, err = e.billing.Public(ctx, 2026, store.NewPage(50, "")); err != nil || len(pub) != 0 {
			t.Fatalf("public prices with nothing published: %+v, %v", pub, err)
		}
		if _, err := e.billing.Cap(ctx, e.As(t, "appunit"), "p1", 2026); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("an application unit reads a cap's basis and volume: %v", err)
		}
		if _, err := e.billing.Cap(ctx, e.As(t, "regulator"), "p1", 2026); err != nil {
			t.Errorf("the regulator reads a cap: %v", err)
		}
		for _, action := range []string{"billing.maximum.set", "billing.cap.set", "billing.price.set"} {
			got, err := e.Ledger.Entries(ctx, ledger.Filter{ActionPrefix: action, Limit: 10})
			if err != nil || len(got) == 0 {
				t.Errorf("ledger has no %s: %v", action, err)
			}
		}
	}, migrations()...)
}

func TestRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		_, err := e.billing.SetRule(ctx, e.As(t, "bureau"), e.agreement, billing.RuleInput{GovernmentBP: 3000, OperatorBP: 5000, ProvidersBP: 1000})
		wantErr(t, "parts short of a whole", err, errs.Invalid, "= 9000")
		_, err = e.billing.SetRule(ctx, e.As(t, "finance"), e.agreement, billing.RuleInput{GovernmentBP: 3000, OperatorBP: 5000, ProvidersBP: 2000})
		wantErr(t, "finance records the unit's rule", err, errs.Forbidden)
		r, err := e.billing.SetRule(ctx, e.As(t, "bureau"), e.agreement, billing.RuleInput{GovernmentBP: 3000, OperatorBP: 5000, ProvidersBP: 2000})
		if err != nil || r.OpinionID == "" || !strings.Contains(r.Clause, "按调用量") {
			t.Fatalf("rule: %+v, %v", r, err)
		}
		if _, err := e.billing.Rule(ctx, e.As(t, "operator"), e.agreement); err != nil {
			t.Errorf("the operator reads its rule: %v", err)
		}
	}, migrations()...)
}

// publishedSet is the products published, as product.Service says.
type publishedSet []string

func (p *publishedSet) PublishedIDs(context.Context) ([]string, error) { return *p, nil }

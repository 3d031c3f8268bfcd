package app

import (
	"context"
	"encoding/json"
	"fmt"

	"shuyu/internal/access"
	"shuyu/internal/billing"
	"shuyu/internal/calendar"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
	"shuyu/internal/product"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// DemoProduct is the demo's published API product (issue 6 item 9).
const DemoProduct = "企业纳税信用等级核验"

// seedProducts registers the demo operator's API product on its list
// grant, has the bureau review and publish it, prices it under a cap for
// this year, and approves the demo application unit's subscription: all
// through the services. Run again, it completes what is missing.
func (a *App) seedProducts(ctx context.Context) error {
	as := func(name string) (access.Principal, error) { return a.Identity.PrincipalOf(ctx, name) }
	operator, err := as("operator")
	if err != nil {
		return err
	}
	bureau, err := as("bureau")
	if err != nil {
		return err
	}
	unit, err := as("appunit")
	if err != nil {
		return err
	}
	pr, err := a.demoProduct(ctx, operator)
	if err != nil {
		return err
	}
	if pr.State == product.Reviewing {
		if pr, err = a.Products.Review(ctx, bureau, pr.ID, product.Approve, product.ReviewInput{Comment: "经合规审核：输出仅含纳税信用等级及评价年度，符合最小必要原则。"}); err != nil {
			return fmt.Errorf("demo product: review: %w", err)
		}
	}
	year := calendar.DateOf(a.DB.Now()).Year()
	if _, err := a.Billing.Maximum(ctx, bureau, pr.AgreementID, year); errs.Is(err, errs.NotFound) {
		if _, err := a.Billing.SetMaximum(ctx, bureau, pr.AgreementID, year, billing.MaximumInput{CostFen: 8_000_000, ProfitFen: 1_500_000, TaxFen: 500_000,
			Basis: "潍坊市发展和改革委员会成本监审报告（示例）"}); err != nil {
			return fmt.Errorf("demo product: maximum: %w", err)
		}
	} else if err != nil {
		return err
	}
	if _, err := a.Billing.SetCap(ctx, bureau, pr.ID, year, billing.CapInput{ProductName: pr.Name, AgreementID: pr.AgreementID, Method: billing.PerCall,
		CapFen: 50, ExpectedVolume: 10_000, Basis: "单位调用成本加合理利润（示例）"}); err != nil {
		return fmt.Errorf("demo product: cap: %w", err)
	}
	if _, err := a.Billing.SetPrice(ctx, operator, pr.ID, year, billing.PriceInput{PriceFen: 30, Trial: true, Basis: "首年试行价，按成本定价"}); err != nil {
		return fmt.Errorf("demo product: price: %w", err)
	}
	subs, _, err := a.Products.Subscriptions(ctx, unit, store.NewPage(store.MaxPageSize, ""))
	if err != nil {
		return err
	}
	var sub product.Subscription
	for _, s := range subs {
		if s.ProductID == pr.ID {
			sub = s
		}
	}
	if sub.ID == "" {
		if sub, err = a.Products.Subscribe(ctx, unit, pr.ID, product.SubscribeInput{Purpose: "小微企业贷款贷前核验企业纳税信用等级（普惠金融）"}); err != nil {
			return fmt.Errorf("demo product: subscribe: %w", err)
		}
	}
	if sub.State == product.Applied {
		if _, err := a.Products.Decide(ctx, operator, sub.ID, product.Grant, product.DecideInput{Comment: "用途明确，同意。", QuotaPerMonth: 100_000}); err != nil {
			return fmt.Errorf("demo product: approve the subscription: %w", err)
		}
	}
	return a.seedCalls(ctx, pr, unit)
}

// demoProduct finds or registers the demo product on the operator's list grant.
func (a *App) demoProduct(ctx context.Context, operator access.Principal) (product.Product, error) {
	prs, _, err := a.Products.List(ctx, operator, store.NewPage(store.MaxPageSize, ""))
	if err != nil {
		return product.Product{}, err
	}
	for _, pr := range prs {
		if pr.Name == DemoProduct && pr.State != product.Deregistered {
			return pr, nil
		}
	}
	grants, _, err := a.Demands.Grants(ctx, operator, store.NewPage(store.MaxPageSize, ""))
	if err != nil {
		return product.Product{}, err
	}
	for _, g := range grants {
		if g.Rule != sandbox.List || g.State != "active" {
			continue
		}
		pr, err := a.Products.Register(ctx, operator, product.Input{Name: DemoProduct, Type: product.API, PriceCategory: "guided",
			Scenario: "金融机构在贷前审查中按统一社会信用代码核验企业最近一个评价年度的纳税信用等级。", GrantIDs: []string{g.ID},
			API: &product.APISpec{Query: "SELECT uscc, grade, year FROM tax_credit ORDER BY year DESC",
				Param:   product.Param{Name: "uscc", Format: "uscc", Description: "统一社会信用代码（18位，含校验码）"},
				Outputs: []string{"grade", "year"}}})
		if err != nil {
			return pr, fmt.Errorf("demo product: register: %w", err)
		}
		return pr, nil
	}
	return product.Product{}, fmt.Errorf("demo product: the demo operator holds no active list grant")
}

// DemoCalls is how many calls of DemoProduct the demo records.
const DemoCalls = 240

// seedCalls records the demo unit's calls of product pr this month through
// the gateway, with a key it revokes afterwards, so that the meter, the
// ledger and (once the month is over: the demo agreement begins today)
// the statements have data. Done once.
func (a *App) seedCalls(ctx context.Context, pr product.Product, unit access.Principal) error {
	month := calendar.DateOf(a.DB.Now()).String()[:7]
	usage, err := a.Products.Usage(ctx, Admin(), month)
	if err != nil {
		return err
	}
	for _, u := range usage {
		if u.ProductID == pr.ID && u.Calls > 0 {
			return nil
		}
	}
	v, err := a.Products.Detail(ctx, unit, pr.ID)
	if err != nil {
		return err
	}
	k, secret, err := a.Products.CreateKey(ctx, unit, "演示调用", nil)
	if err != nil {
		return err
	}
	caller, err := a.Identity.Authenticate(ctx, secret, identity.APISession, "127.0.0.1")
	if err != nil {
		return err
	}
	body, err := json.Marshal(v.Example)
	if err != nil {
		return err
	}
	for range DemoCalls {
		if _, err := a.Products.Call(ctx, caller, pr.ID, body); err != nil {
			return fmt.Errorf("demo calls: %w", err)
		}
	}
	if err := a.Products.Flush(ctx); err != nil {
		return err
	}
	_, err = a.Identity.RevokeAPIKey(ctx, unit, k.ID)
	return err
}

package app

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/billing"
	"shuyu/internal/calendar"
	"shuyu/internal/demo"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
	"shuyu/internal/product"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// DemoProduct is the demo's published API product (issue 6 item 9).
const DemoProduct = "企业纳税信用等级核验"

// seedProducts registers the demo operator's API product on its list
// grant, has the bureau review and publish it, prices it under a cap, and
// approves the demo application unit's subscription, all on the first day
// of last month (when the demo agreement begins); then it records the
// calls of last month and of today and issues last month's statements.
// All through the services. Run again, it completes what is missing.
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
	first := demo.AgreementStart(a.DB.Now())
	clock := &demoClock{t: time.Date(first.Year(), first.Month(), first.Day(), 9, 0, 0, 0, calendar.Shanghai())}
	// past is the product service on the demo's clock; its Close flushes
	// the calls it metered.
	past := a.products(product.Options{Log: a.Config.Log, Now: clock.now, RatePerSecond: 1000, Burst: 1000,
		FlushCalls: DemoCalls, FlushEvery: time.Hour})
	defer past.Close()
	pr, err := a.demoProduct(ctx, past, operator)
	if err != nil {
		return err
	}
	if pr.State == product.Reviewing {
		clock.set(clock.now().Add(time.Hour))
		if pr, err = past.Review(ctx, bureau, pr.ID, product.Approve, product.ReviewInput{Comment: "经合规审核：输出仅含纳税信用等级及评价年度，符合最小必要原则。"}); err != nil {
			return fmt.Errorf("demo product: review: %w", err)
		}
	}
	if err := a.priceDemoProduct(ctx, bureau, operator, pr, first.Year(), calendar.DateOf(a.DB.Now()).Year()); err != nil {
		return err
	}
	subs, _, err := past.Subscriptions(ctx, unit, store.NewPage(store.MaxPageSize, ""))
	if err != nil {
		return err
	}
	var sub product.Subscription
	for _, s := range subs {
		if s.ProductID == pr.ID {
			sub = s
		}
	}
	clock.set(clock.now().Add(time.Hour))
	if sub.ID == "" {
		if sub, err = past.Subscribe(ctx, unit, pr.ID, product.SubscribeInput{Purpose: "小微企业贷款贷前核验企业纳税信用等级（普惠金融）"}); err != nil {
			return fmt.Errorf("demo product: subscribe: %w", err)
		}
	}
	if sub.State == product.Applied {
		if _, err := past.Decide(ctx, operator, sub.ID, product.Grant, product.DecideInput{Comment: "用途明确，同意。", QuotaPerMonth: 100_000}); err != nil {
			return fmt.Errorf("demo product: approve the subscription: %w", err)
		}
	}
	if err := a.seedCalls(ctx, past, clock, pr, unit); err != nil {
		return err
	}
	if err := past.Flush(ctx); err != nil {
		return err
	}
	return a.billDemoMonth(ctx, bureau, pr, first.String()[:7])
}

// demoClock is the clock the demo records the product's past on.
type demoClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *demoClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *demoClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// priceDemoProduct approves the agreement's maximum, sets the product's cap
// and the operator's price for each year from first to this (two in
// January: last month was December), the price a trial in its first year.
func (a *App) priceDemoProduct(ctx context.Context, bureau, operator access.Principal, pr product.Product, first, this int) error {
	for year := first; year <= this; year++ {
		if _, err := a.Billing.Maximum(ctx, bureau, pr.AgreementID, year); errs.Is(err, errs.NotFound) {
			if _, err := a.Billing.SetMaximum(ctx, bureau, pr.AgreementID, year, billing.MaximumInput{CostFen: 8_000_000, ProfitFen: 1_500_000,
				TaxFen: 500_000, Basis: "潍坊市发展和改革委员会成本监审报告（示例）"}); err != nil {
				return fmt.Errorf("demo product: maximum: %w", err)
			}
		} else if err != nil {
			return err
		}
		if _, err := a.Billing.SetCap(ctx, bureau, pr.ID, year, billing.CapInput{ProductName: pr.Name, AgreementID: pr.AgreementID, Method: billing.PerCall,
			CapFen: 50, ExpectedVolume: 10_000, Basis: "单位调用成本加合理利润（示例）"}); err != nil {
			return fmt.Errorf("demo product: cap: %w", err)
		}
		in := billing.PriceInput{PriceFen: 30, Trial: year == first, Basis: "首年试行价，按成本定价"}
		if !in.Trial {
			in.Basis = "按成本定价"
		}
		if _, err := a.Billing.SetPrice(ctx, operator, pr.ID, year, in); err != nil {
			return fmt.Errorf("demo product: price: %w", err)
		}
	}
	return nil
}

// billDemoMonth records the agreement's revenue-sharing rule (the demo
// terms' 40/45/15) and issues month's statements, unless issued already.
func (a *App) billDemoMonth(ctx context.Context, bureau access.Principal, pr product.Product, month string) error {
	if _, err := a.Billing.Rule(ctx, bureau, pr.AgreementID); errs.Is(err, errs.NotFound) {
		if _, err := a.Billing.SetRule(ctx, bureau, pr.AgreementID, billing.RuleInput{GovernmentBP: 4000, OperatorBP: 4500, ProvidersBP: 1500}); err != nil {
			return fmt.Errorf("demo product: revenue-sharing rule: %w", err)
		}
	} else if err != nil {
		return err
	}
	if _, err := a.Billing.Split(ctx, bureau, pr.AgreementID, month); err == nil {
		return nil
	}
	usage, err := a.Products.Usage(ctx, Admin(), month)
	if err != nil {
		return err
	}
	if _, err := a.Billing.Issue(ctx, Admin(), month, usage); err != nil {
		return fmt.Errorf("demo product: statements of %s: %w", month, err)
	}
	return nil
}

// demoProduct finds or registers the demo product on the operator's list grant.
func (a *App) demoProduct(ctx context.Context, products *product.Service, operator access.Principal) (product.Product, error) {
	prs, _, err := products.List(ctx, operator, store.NewPage(store.MaxPageSize, ""))
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
		pr, err := products.Register(ctx, operator, product.Input{Name: DemoProduct, Type: product.API, PriceCategory: "guided",
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

// DemoCalls is how many calls of DemoProduct the demo records in the
// month before the current one, spread over its days; DemoCallsToday how
// many it records today.
const (
	DemoCalls      = 240
	DemoCallsToday = 12
)

// seedCalls records the demo unit's calls of product pr through the
// gateway of products, on clock, with a key it revokes afterwards:
// DemoCalls spread over last month's days and DemoCallsToday now, so that the
// meter, the ledger, last month's statements and the portal's usage have
// data. Done once.
func (a *App) seedCalls(ctx context.Context, products *product.Service, clock *demoClock, pr product.Product, unit access.Principal) error {
	first := demo.AgreementStart(a.DB.Now())
	usage, err := a.Products.Usage(ctx, Admin(), first.String()[:7])
	if err != nil {
		return err
	}
	for _, u := range usage {
		if u.ProductID == pr.ID && u.Calls > 0 {
			return nil
		}
	}
	// Every call goes through products, today's too (on its clock set to
	// now): the index is built once, not for this service and the app's.
	v, err := products.Detail(ctx, unit, pr.ID)
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
	days := calendar.NewDate(first.Year(), first.Month()+1, 0).Day()
	for i := range DemoCalls {
		// Call i falls on day i·days/DemoCalls + 1, in the working hours.
		day := first.AddDays(i * days / DemoCalls)
		clock.set(time.Date(day.Year(), day.Month(), day.Day(), 10, 0, i, 0, calendar.Shanghai()))
		if _, err := products.Call(ctx, caller, pr.ID, body); err != nil {
			return fmt.Errorf("demo calls of %s: %w", day, err)
		}
	}
	clock.set(a.DB.Now())
	for range DemoCallsToday {
		if _, err := products.Call(ctx, caller, pr.ID, body); err != nil {
			return fmt.Errorf("demo calls today: %w", err)
		}
	}
	_, err = a.Identity.RevokeAPIKey(ctx, unit, k.ID)
	return err
}

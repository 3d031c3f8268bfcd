package web_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shuyu/internal/access"
	"shuyu/internal/app/apptest"
	"shuyu/internal/demo"
	"shuyu/internal/identity"
	"shuyu/internal/store"
)

const chromiumPath = "/usr/bin/chromium"

// startChromium starts one headless Chromium for the whole test; each user
// then gets a fresh browser context (its own cookies), which is far cheaper
// than a browser per user.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("SHUYU_REQUIRE_BROWSER") != "" {
			t.Fatalf("SHUYU_REQUIRE_BROWSER is set but %s is missing: install Debian's chromium", chromiumPath)
		}
		t.Skipf("browser test skipped: %s is missing (install chromium, or set SHUYU_REQUIRE_BROWSER to make this fail)", chromiumPath)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath), chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 900))
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return browser
}

// tab opens a new browser context, like a fresh incognito window.
func newTab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	return ctx
}

// browse runs steps in ctx and fails the test with the page's address and
// text when one fails.
func browse(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		failAt(t, ctx, what, err)
	}
}

func failAt(t *testing.T, ctx context.Context, what string, err error) {
	t.Helper()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	url, _ := chromedp.Run(sctx, chromedp.Location())
	body, _ := chromedp.Run(sctx, chromedp.Text(chromedp.CSS("main")))
	t.Fatalf("%s: %v (at %s)\n%.1500s", what, err, url, body)
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		failAt(t, ctx, expr, err)
	}
	return v
}

// textsOf returns the trimmed text of every element matching selector.
func textsOf(t *testing.T, ctx context.Context, selector string) []string {
	t.Helper()
	return eval[[]string](t, ctx, `Array.from(document.querySelectorAll(`+jsQuote(selector)+`)).map(e => e.textContent.trim())`)
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `location.href`)
}

// formSignIn goes through the real login form and waits for the dashboard.
func formSignIn(base, username string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#f-username")),
		chromedp.SendKeys(chromedp.CSS("#f-username"), username),
		chromedp.SetValue(chromedp.CSS("#f-password"), apptest.Password),
		chromedp.Click(chromedp.CSS(`[data-test="login-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="me-org"]`)),
	)
}

func jsQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

// roleSight is what one demo account must see: the navigation entries, in
// order, and the organizations listed (nil: all of them), named by their
// keys in demo.Result.Orgs.
type roleSight struct {
	user, org string
	nav       []string
	orgs      []string
}

var (
	navAdmin = []string{"dashboard", "inbox", "catalog", "tickets", "supply", "plans", "announcements", "agreements", "demands", "evaluations",
		"orgs", "org-new", "products", "subscriptions", "usage", "billing", "statements", "ledger", "account"}
	// The city's and the county's bureau also review releases (出域).
	navOfficer = []string{"dashboard", "inbox", "catalog", "tickets", "supply", "plans", "announcements", "agreements", "demands", "releases",
		"evaluations", "orgs", "org-new", "products", "product-reviews", "subscriptions", "usage", "billing", "statements", "ledger", "account"}
	navProvider = []string{"dashboard", "inbox", "catalog", "tickets", "supply", "announcements", "demands", "orgs", "products", "ledger", "account"}
	navOperator = []string{"dashboard", "inbox", "catalog", "tickets", "announcements", "agreements", "demands", "grants", "evaluations", "orgs",
		"products", "subscriptions", "usage", "billing", "statements", "ledger", "account"}
	navAnalyst   = []string{"dashboard", "inbox", "catalog", "tickets", "announcements", "agreements", "demands", "grants", "orgs", "products", "account"}
	navRegulator = []string{"dashboard", "inbox", "catalog", "tickets", "supply", "plans", "announcements", "agreements", "demands", "evaluations",
		"orgs", "products", "subscriptions", "usage", "billing", "statements", "ledger", "account"}
)

var roleSights = []roleSight{
	{user: "admin", org: "platform", nav: navAdmin},
	{user: "bureau", org: "bureau", nav: navOfficer},
	{user: "kuiwen", org: "kuiwen", nav: navOfficer, orgs: []string{"kuiwen", "appunit"}},
	{user: "provider-hrss", org: "hrss", nav: navProvider, orgs: []string{"hrss"}},
	{user: "provider-amr", org: "amr", nav: navProvider, orgs: []string{"amr"}},
	{user: "provider-tax", org: "tax", nav: navProvider, orgs: []string{"tax"}},
	{user: "operator", org: "operator", nav: navOperator, orgs: []string{"operator"}},
	{user: "analyst", org: "operator", nav: navAnalyst, orgs: []string{"operator"}},
	{user: "analyst2", org: "operator", nav: navAnalyst, orgs: []string{"operator"}},
	// An application unit can neither file nor answer tickets: it has none to list.
	{user: "appunit", org: "appunit", nav: []string{"dashboard", "inbox", "announcements", "orgs", "products", "subscriptions", "usage", "statements", "api-keys", "ledger", "account"}, orgs: []string{"appunit"}},
	{user: "regulator", org: "cac", nav: navRegulator},
	{user: "finance", org: "finance", nav: navRegulator},
}

func TestConsoleInBrowser(t *testing.T) {
	browser := startChromium(t)
	env := apptest.New(t, store.SQLite)
	if len(roleSights) != len(demo.Accounts) {
		t.Fatalf("the test covers %d accounts, the demo has %d", len(roleSights), len(demo.Accounts))
	}
	orgNames := map[string]string{}
	for key, id := range env.Demo.Orgs {
		o, err := env.App.Identity.Org(context.Background(), access.System("test"), id)
		if err != nil {
			t.Fatal(err)
		}
		orgNames[key] = o.Name
	}
	start := time.Now()
	// Each account gets its own browser context. They only read, so they
	// look in parallel; the group ends before the flow below changes
	// anything, and the flow goes on in the bureau's and admin's tabs.
	tabs := map[string]context.Context{}
	for _, s := range roleSights {
		tabs[s.user] = newTab(t, browser)
	}
	ok := t.Run("roles", func(t *testing.T) {
		// Most of a check is waiting for the browser, so four run at once
		// whatever -parallel says (t.Run may be called from goroutines).
		var wg sync.WaitGroup
		slots := make(chan struct{}, 4)
		for _, s := range roleSights {
			wg.Go(func() {
				slots <- struct{}{}
				defer func() { <-slots }()
				t.Run(s.user, func(t *testing.T) {
					checkSight(t, tabs[s.user], env.URL, s, orgNames)
					if s.user == "regulator" {
						checkEnglishAndSignOut(t, tabs[s.user], env.URL)
					}
				})
			})
		}
		wg.Wait()
	})
	if !ok {
		t.Fatal("the flow below goes on in the bureau's and admin's tabs; fix the role checks first")
	}
	t.Run("bureau registers an operator and its analyst signs in", func(t *testing.T) {
		checkNewOperator(t, browser, env, tabs["bureau"], tabs["admin"])
	})
	t.Run("the provider sees its data; a ticket goes from filing to closing", func(t *testing.T) {
		checkDataSupply(t, env, tabs["provider-hrss"], tabs["bureau"])
	})
	t.Logf("browser test took %s", time.Since(start).Round(time.Millisecond))
}

func checkSight(t *testing.T, ctx context.Context, base string, s roleSight, orgNames map[string]string) {
	browse(t, ctx, "sign in as "+s.user, formSignIn(base, s.user))
	nav := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('[data-nav]')).map(a => a.dataset.nav)`)
	if !slices.Equal(nav, s.nav) {
		t.Errorf("%s sees navigation %v, want %v", s.user, nav, s.nav)
	}
	want := []string{orgNames[s.org]}
	if meOrg, header := textsOf(t, ctx, `[data-test="me-org"]`), textsOf(t, ctx, `[data-test="user-org"]`); !slices.Equal(meOrg, want) || !slices.Equal(header, want) {
		t.Errorf("%s: dashboard shows organization %v (header %v), want %s", s.user, meOrg, header, want)
	}

	browse(t, ctx, s.user+" lists organizations",
		chromedp.Navigate(base+"/console/orgs"), chromedp.WaitVisible(chromedp.CSS(`[data-test="org-table"]`)))
	orgs := textsOf(t, ctx, `td[data-col="name"] a`)
	var wantNames []string
	for k, name := range orgNames {
		if s.orgs == nil || slices.Contains(s.orgs, k) {
			wantNames = append(wantNames, name)
		}
	}
	slices.Sort(orgs)
	slices.Sort(wantNames)
	if !slices.Equal(orgs, wantNames) {
		t.Errorf("%s sees organizations %v, want %v", s.user, orgs, wantNames)
	}
	mayCreate := slices.Contains(s.nav, "org-new")
	if buttons := textsOf(t, ctx, `[data-test="org-create"]`); mayCreate != (len(buttons) == 1) {
		t.Errorf("%s: %d create buttons on the list; want one exactly with the create entry", s.user, len(buttons))
	}

	// Opening a page costs a few hundred milliseconds: the ledger is opened
	// by the regulator, whose oversight it serves, and API keys by the
	// application unit.
	if s.user == "regulator" {
		browse(t, ctx, s.user+" opens the ledger", chromedp.Navigate(base+"/console/ledger"),
			chromedp.WaitVisible(chromedp.CSS(`[data-test="ledger-table"]`)))
		if size := textsOf(t, ctx, `[data-test="cp-size"]`); len(size) != 1 || size[0] == "0" {
			t.Errorf("%s: ledger checkpoint size %v", s.user, size)
		}
	}
	if slices.Contains(s.nav, "api-keys") {
		browse(t, ctx, s.user+" opens API keys", chromedp.Navigate(base+"/console/api-keys"),
			chromedp.WaitVisible(chromedp.CSS(`[data-test="key-form"]`)))
	}
}

// checkEnglishAndSignOut switches a signed-in user's console to English,
// then signs out.
func checkEnglishAndSignOut(t *testing.T, ctx context.Context, base string) {
	browse(t, ctx, "switch to English", chromedp.Navigate(base+"/console"),
		chromedp.Click(chromedp.CSS(`[data-test="lang-en"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="lang-zh"]`)))
	labels := textsOf(t, ctx, "[data-nav]")
	lang := eval[string](t, ctx, `document.documentElement.lang`)
	if want := []string{"Dashboard", "Inbox", "Catalog", "Corrections & objections", "Supply evaluation", "Plans",
		"Announcements", "Agreements", "Data demands", "Evaluations", "Organizations", "Data products", "Subscriptions", "Usage", "Prices and revenue",
		"Statements", "Ledger", "Account security"}; !slices.Equal(labels, want) || lang != "en" {
		t.Errorf("in English the navigation reads %v (lang %q), want %v", labels, lang, want)
	}
	if at := location(t, ctx); at != base+"/console" {
		t.Errorf("after the switch the browser is at %s, want back at /console", at)
	}

	browse(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`[data-test="logout"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="home-sign-in"]`)))
	if at, flash := location(t, ctx), textsOf(t, ctx, `[data-test="flash"]`); at != base+"/" || !slices.Equal(flash, []string{"You have signed out."}) {
		t.Errorf("sign-out led to %s with message %v, want the portal home with a notice", at, flash)
	}
	browse(t, ctx, "the console is closed after sign-out", chromedp.Navigate(base+"/console"),
		chromedp.WaitVisible(chromedp.CSS("#f-username")))
	if at := location(t, ctx); at != base+"/login?next=%2Fconsole" {
		t.Errorf("after sign-out /console led to %s", at)
	}
}

// checkNewOperator is the end-to-end flow: the city bureau registers an
// operator in its city and opens it; a user with the analyst role and a
// training date is added; that user signs in. bureau and admin are tabs
// where those users are signed in.
func checkNewOperator(t *testing.T, browser context.Context, env *apptest.Env, bureau, admin context.Context) {
	city, err := env.App.Identity.JurisdictionByCode(context.Background(), demo.City.Code)
	if err != nil {
		t.Fatal(err)
	}
	const name = "潍坊测试数据运营有限公司"
	browse(t, bureau, "bureau creates the operator", chromedp.Navigate(env.URL+"/console"),
		chromedp.Click(chromedp.CSS(`[data-nav="org-new"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="org-form"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-name"), name),
		chromedp.SendKeys(chromedp.CSS("#f-name_en"), "Weifang Test Data Operation Co. (fictional)"),
		chromedp.SetValue(chromedp.CSS("#f-kind"), string(access.KindOperator)),
		chromedp.SetValue(chromedp.CSS("#f-jurisdiction_id"), city.ID),
		chromedp.Click(chromedp.CSS(`[data-test="org-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="org-name"]`)))
	if title := textsOf(t, bureau, `[data-test="org-name"]`); !slices.Equal(title, []string{name}) {
		t.Fatalf("after creating, the page shows %v", title)
	}
	orgURL := location(t, bureau)
	if flash := textsOf(t, bureau, `[data-test="flash"]`); len(flash) != 1 || !strings.Contains(flash[0], name) {
		t.Errorf("after creating, the flash message is %v", flash)
	}

	// Who may add the first user is the policy's call: the bureau if it lets
	// an officer do so, else the platform administrator. Either way the page
	// must offer the button exactly when the policy allows it.
	browse(t, bureau, "bureau opens the organization", chromedp.Navigate(orgURL),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="org-name"]`)))
	offered := len(textsOf(t, bureau, `[data-test="user-add"]`)) == 1
	adder, adderTab := "bureau", bureau
	if may := bureauMayAddUsers(t, env, orgURL); offered != may {
		t.Errorf("the bureau is offered to add a user: %v; the policy allows it: %v", offered, may)
	} else if !may {
		adder, adderTab = "admin", admin
	}

	browse(t, adderTab, adder+" adds an analyst", chromedp.Navigate(orgURL),
		chromedp.Click(chromedp.CSS(`[data-test="user-add"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="user-form"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-username"), "newanalyst"),
		chromedp.SendKeys(chromedp.CSS("#f-display_name"), "钱程（新分析师）"),
		chromedp.SendKeys(chromedp.CSS("#f-password"), apptest.Password),
		chromedp.SendKeys(chromedp.CSS("#f-password2"), apptest.Password),
		chromedp.Click(chromedp.CSS("#f-role-analyst")),
		chromedp.SetValue(chromedp.CSS("#f-training_date"), "2026-04-01"),
		chromedp.Click(chromedp.CSS(`[data-test="user-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="user-title"]`)))
	if roles, training := textsOf(t, adderTab, `[data-test="user-roles"]`), textsOf(t, adderTab, `[data-test="user-training"]`); !slices.Equal(roles, []string{"数据分析师"}) || !slices.Equal(training, []string{"2026-04-01"}) {
		t.Errorf("the new user shows roles %v and training %v", roles, training)
	}

	analyst := newTab(t, browser)
	browse(t, analyst, "the analyst signs in", formSignIn(env.URL, "newanalyst"))
	meOrg, training, ready := textsOf(t, analyst, `[data-test="me-org"]`), textsOf(t, analyst, `[data-test="training"]`), textsOf(t, analyst, `[data-test="sandbox-ready"]`)
	if !slices.Equal(meOrg, []string{name}) || !slices.Equal(training, []string{"2026-04-01"}) || !slices.Equal(ready, []string{"否"}) {
		t.Errorf("the analyst's dashboard shows organization %v, training %v, sandbox ready %v", meOrg, training, ready)
	}
}

func bureauMayAddUsers(t *testing.T, env *apptest.Env, orgURL string) bool {
	t.Helper()
	ctx := context.Background()
	p, err := env.App.Identity.Authenticate(ctx, env.Login(t, "bureau"), identity.APISession, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	o, err := env.App.Identity.Org(ctx, p, orgURL[strings.LastIndex(orgURL, "/")+1:])
	if err != nil {
		t.Fatal(err)
	}
	return access.Check(p, access.UserCreate, o.Resource()) == nil
}

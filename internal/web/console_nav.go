package web

import (
	"strings"

	"shuyu/internal/access"
)

// navItem is one entry of the console's navigation. It is shown to a user
// whose roles permit its action; the policy in package access decides, this
// table only names the pages.
type navItem struct {
	id     string // stable name for tests and styling (data-nav)
	path   string
	action access.Action
	// own checks the action on the user's own organization rather than on
	// any resource: API keys are an application unit's own, and the policy
	// grants them to an organization administrator only in that kind.
	own bool
	// also, when set, must agree as well: an entry the policy permits may
	// still be pointless to a user (a tickets list that can only ever be
	// empty).
	also func(access.Principal) bool
}

var navItems = []navItem{
	{id: "dashboard", path: "/console", action: access.SelfRead},
	{id: "inbox", path: "/console/inbox", action: access.InboxRead},
	// Whoever may read every entry within reach may browse those in scope
	// too, so catalog.browse decides who sees the catalog.
	{id: "catalog", path: "/console/catalog", action: access.CatalogBrowse},
	{id: "tickets", path: "/console/tickets", action: access.TicketRead, also: hasTickets},
	{id: "supply", path: "/console/supply", action: access.SupplyRead},
	{id: "plans", path: "/console/plans", action: access.PlanRead},
	{id: "announcements", path: "/console/announcements", action: access.AnnouncementRead},
	{id: "agreements", path: "/console/agreements", action: access.AgreementRead},
	{id: "demands", path: "/console/demands", action: access.DemandRead},
	{id: "grants", path: "/console/grants", action: access.WorkspaceRead},
	{id: "releases", path: "/console/releases", action: access.ReleaseDecide},
	{id: "evaluations", path: "/console/evaluations", action: access.EvaluationRead},
	{id: "orgs", path: "/console/orgs", action: access.OrgRead},
	{id: "org-new", path: "/console/orgs/new", action: access.OrgCreate},
	// Products: an application unit's catalog of products, an operator's
	// own, the overseers'; the review queue is the implementing unit's.
	{id: "products", path: "/console/products", action: access.ProductBrowse},
	{id: "product-reviews", path: "/console/products/reviews", action: access.ProductReview},
	{id: "subscriptions", path: "/console/subscriptions", action: access.SubscriptionRead, own: true},
	{id: "usage", path: "/console/usage", action: access.SubscriptionRead, own: true},
	{id: "billing", path: "/console/billing", action: access.BillingRead},
	{id: "statements", path: "/console/statements", action: access.StatementRead, own: true},
	{id: "api-keys", path: "/console/api-keys", action: access.APIKeyCreate, own: true},
	{id: "ledger", path: "/console/ledger", action: access.LedgerRead},
	{id: "account", path: "/console/account", action: access.SelfPassword},
}

// navLink is a navigation entry as the layout shows it.
type navLink struct {
	ID, Path, Label string // Label is a catalog key
	Current         bool
}

func navFor(p access.Principal, current string) []navLink {
	var out []navLink
	for _, it := range navItems {
		if !navAllowed(p, it) {
			continue
		}
		out = append(out, navLink{ID: it.id, Path: it.path, Label: "nav." + it.id, Current: it.path == current})
	}
	// The most specific entry that contains the current page is marked when
	// none matches exactly (an organization's page lies under the list).
	if !anyCurrent(out) {
		best := -1
		for i, l := range out {
			if l.Path != "/console" && strings.HasPrefix(current, l.Path+"/") && (best < 0 || len(l.Path) > len(out[best].Path)) {
				best = i
			}
		}
		if best >= 0 {
			out[best].Current = true
		}
	}
	return out
}

func navAllowed(p access.Principal, it navItem) bool {
	if it.also != nil && !it.also(p) {
		return false
	}
	if it.own {
		return access.Check(p, it.action, ownOrg(p)) == nil
	}
	return access.Permits(p, it.action)
}

func anyCurrent(ls []navLink) bool {
	for _, l := range ls {
		if l.Current {
			return true
		}
	}
	return false
}

// ownOrg describes the principal's own organization for access checks.
func ownOrg(p access.Principal) access.Resource {
	return access.Resource{OrgID: p.OrgID, OrgKind: p.OrgKind, JurisdictionID: p.JurisdictionID}
}

// hasTickets says whether p can ever have tickets to look at: every user may
// read the tickets they filed, but only those who may file, answer or
// oversee tickets have any.
func hasTickets(p access.Principal) bool {
	return access.Permits(p, access.TicketFile) || access.Permits(p, access.TicketAnswer) ||
		access.Widest(p, access.TicketRead) < access.Self
}

package access

import (
	"slices"
	"strings"

	"shuyu/internal/errs"
)

// Action is something a principal asks to do.
type Action string

// Scope is how far a rule reaches.
type Scope int

const (
	Any          Scope = iota + 1 // every resource
	Jurisdiction                  // resources in the principal's jurisdiction; a city covers its counties
	Org                           // resources of the principal's own organization
	Self                          // the principal's own user record
)

// Rule lets holders of Role act within Scope, on organizations of the listed
// kinds only when Kinds is not empty.
type Rule struct {
	Role  Role
	Scope Scope
	Kinds []Kind
}

const (
	JurisdictionCreate Action = "jurisdiction.create"
	SelfRead           Action = "self.read"     // who am I
	SelfPassword       Action = "self.password" // change my own password
	SessionEnd         Action = "session.end"   // sign out
	OrgRead            Action = "org.read"
	OrgCreate          Action = "org.create"
	OrgUpdate          Action = "org.update"
	UserRead           Action = "user.read"
	UserCreate         Action = "user.create"
	UserUpdate         Action = "user.update" // roles, name, disabled, training and confidentiality records
	UserSetPassword    Action = "user.password"
	APIKeyRead         Action = "apikey.read"
	APIKeyCreate       Action = "apikey.create"
	APIKeyRevoke       Action = "apikey.revoke"
	LedgerRead         Action = "ledger.read"    // read entries (checkpoints and proofs are public)
	CatalogRead        Action = "catalog.read"   // every catalog entry within reach, in scope or not
	CatalogBrowse      Action = "catalog.browse" // the entries in the operation scope, to apply for them
	CatalogWrite       Action = "catalog.write"
	DatasetUpload      Action = "dataset.upload" // add a version of an entry

	// Quality, tickets and supply evaluation (Art. 7, 8, 24). A ticket's
	// resource is its provider's organization with UserID set to the filer,
	// so Self rules reach the filer and Org rules the provider.
	QualityRead  Action = "quality.read"  // an entry's quality rules and results, for those who reach the entry
	TicketFile   Action = "ticket.file"   // file a correction or objection ticket against a readable entry
	TicketRead   Action = "ticket.read"   // see tickets: the filer, the provider, the overseers
	TicketAnswer Action = "ticket.answer" // the provider's commissioners answer
	TicketAccept Action = "ticket.accept" // the filer accepts the answer
	TicketReject Action = "ticket.reject" // the filer rejects the answer
	TicketClose  Action = "ticket.close"  // the filer, or the implementing unit overseeing the provider, closes
	SupplyRead   Action = "supply.read"   // provider quality scores and the supply evaluation

	// Annual operator evaluation and rectification (Art. 24). The resource of
	// an evaluation or a rectification task is its operator's organization
	// placed in the agreement's jurisdiction: Org rules reach the operator,
	// Jurisdiction rules the implementing unit and the regulators over it.
	EvaluationTemplateRead Action = "evaluation.template" // the scoring templates, for all parties to evaluations
	EvaluationRead         Action = "evaluation.read"
	EvaluationOpen         Action = "evaluation.open"     // the implementing unit's officers open the year's evaluation
	EvaluationAnswer       Action = "evaluation.answer"   // the operator's managers answer; they cannot refuse (Art. 24)
	EvaluationScore        Action = "evaluation.score"    // the unit's reviewers score, grade, return and revise
	EvaluationFinalise     Action = "evaluation.finalise" // the unit's officers make the result final
	RectificationRead      Action = "rectification.read"
	RectificationCreate    Action = "rectification.create" // officers turn findings into tasks, or cancel one
	RectificationSubmit    Action = "rectification.submit" // the operator's managers report what they did
	RectificationReview    Action = "rectification.review" // officers and reviewers accept or reject a report

	InboxRead Action = "inbox.read" // what waits for the caller

	// Implementation plans, announcements, applications, selection and
	// agreements (Art. 9–16, 24, 27). A plan's or an announcement's resource
	// is its implementing unit. An application's, objection's or agreement's
	// is the operator's (or filer's) organization placed in the unit's
	// jurisdiction, with the filer as the user: Org rules reach the
	// operator, Jurisdiction rules the unit and the regulators over it.
	PlanRead           Action = "plan.read"
	PlanWrite          Action = "plan.write"          // draft, edit, submit, withdraw, file with the province
	PlanDecide         Action = "plan.decide"         // record the government's decision: approve or return
	AnnouncementRead   Action = "announcement.read"   // published announcements; drafts need plan.read too
	AnnouncementWrite  Action = "announcement.write"  // draft, publish, cancel, run the selection, award
	AnnouncementVeto   Action = "announcement.veto"   // stop a selection for national security or the public interest (Art. 16)
	ApplicationSubmit  Action = "application.submit"  // an operator applies (Art. 13)
	ApplicationRead    Action = "application.read"    // the applicant, the unit, the overseers
	ApplicationCheck   Action = "application.check"   // the unit checks eligibility item by item
	ApplicationScore   Action = "application.score"   // the unit's evaluators score
	ObjectionFile      Action = "objection.file"      // anyone signed in, during publicity (公示)
	ObjectionRead      Action = "objection.read"      // the filer, the unit, the overseers
	ObjectionResolve   Action = "objection.resolve"   // the unit upholds or dismisses
	AgreementRead      Action = "agreement.read"      // the operator, the unit, the overseers
	AgreementWrite     Action = "agreement.write"     // draft, sign with the decision record, renew, withdraw
	AgreementFinance   Action = "agreement.finance"   // the finance department's opinion on revenue sharing (Art. 15)
	AgreementTerminate Action = "agreement.terminate" // end early, with an Art. 27 reason; performs the exit
	AgreementRevoke    Action = "agreement.revoke"    // revoke, with an Art. 27 reason; performs the exit
	GovernanceSchedule Action = "governance.schedule" // what a date triggers: close, conclude, activate, expire

	// The analyst's workspace (SPEC §3; Art. 17, 18, 26, 30). A grant's
	// work is its operator's organization with the caller as the user; a
	// release's is the operator's placed in the implementing unit's
	// jurisdiction, so Jurisdiction rules reach the unit's reviewers.
	WorkspaceQuery  Action = "workspace.query"  // run a query in a grant (Art. 30 records checked too)
	WorkspaceRead   Action = "workspace.read"   // a grant's query history
	ReleaseRequest  Action = "release.request"  // ask that a kept result leave the domain (出域)
	ReleaseRead     Action = "release.read"     // releases and the reviewers' queue
	ReleaseDecide   Action = "release.decide"   // the unit's reviewers release or refuse a kept result
	ReleaseDownload Action = "release.download" // download a released result (CSV, XLSX)

	// Demand applications and grants (Art. 18–20). A demand's or a grant's
	// resource is its operator's organization placed in the implementing
	// unit's jurisdiction; each provider whose data it concerns is reached
	// through a resource of its own (the provider's organization, same
	// jurisdiction), so that Org rules reach the operator and those providers,
	// Jurisdiction rules the unit and the regulators over it.
	DemandFile   Action = "demand.file"   // the operator files, resubmits after a return, withdraws
	DemandRead   Action = "demand.read"   // the operator, the unit, the providers concerned, the overseers
	DemandReview Action = "demand.review" // the unit's reviewers and each provider's commissioners approve, reject, return
	GrantRead    Action = "grant.read"    // the operator, the unit, the providers concerned, the overseers
	GrantRevoke  Action = "grant.revoke"  // the implementing unit revokes a grant, with the reason

	// Pricing, statements and revenue sharing (Art. 21, 23, 33). The
	// resource is the agreement's operator placed in the agreement's
	// jurisdiction; a statement to an application unit is also that unit's,
	// placed in the same jurisdiction.
	BillingRead       Action = "billing.read"    // maximums, caps, prices, revenue rules and splits
	BillingMaximumSet Action = "billing.maximum" // the implementing unit approves the maximum allowed revenue
	BillingCapSet     Action = "billing.cap"     // the implementing unit sets a product's price cap
	BillingPriceSet   Action = "billing.price"   // the operator sets its price under the cap
	BillingRuleSet    Action = "billing.rule"    // the implementing unit records the revenue-sharing rule
	StatementIssue    Action = "statement.issue" // the platform issues a month's statements from the meter
	StatementRead     Action = "statement.read"  // the operator's and each application unit's own, the overseers'

	// Data products, subscriptions and the gateway (Art. 19–21). A
	// product's resource is its operator placed in the agreement's
	// jurisdiction; a subscription's is the application unit's
	// organization, with the product's for the operator's decision.
	ProductRegister    Action = "product.register"    // the operator registers, changes, deregisters, lists on an exchange
	ProductRead        Action = "product.read"        // any product, drafts included: the operator, the unit, the overseers
	ProductBrowse      Action = "product.browse"      // the published products, to apply for them
	ProductReview      Action = "product.review"      // the implementing unit's compliance review
	SubscriptionApply  Action = "subscription.apply"  // an application unit applies, stating its purpose (Art. 20)
	SubscriptionRead   Action = "subscription.read"   // the unit's own, the operator's products', the overseers'
	SubscriptionDecide Action = "subscription.decide" // the operator approves or refuses, or ends an approved one
	ProductCall        Action = "product.call"        // an API key of an approved application unit calls a product
)

// nonGovernment are the kinds an implementing unit may register and manage in
// its jurisdiction; implementing units and the platform are the platform
// administrator's to create.
var nonGovernment = []Kind{KindProvider, KindOperator, KindAppUnit, KindRegulator}

// policy is the table: for each action, who may take it and how far. An action
// missing here is denied to everyone.
var policy = map[Action][]Rule{
	SelfRead:           {{Role: RoleMember, Scope: Self}, {Role: RoleAPIKey, Scope: Org}},
	SelfPassword:       {{Role: RoleMember, Scope: Self}},
	SessionEnd:         {{Role: RoleMember, Scope: Self}},
	JurisdictionCreate: {{Role: RoleAdmin, Scope: Any}},
	OrgRead: {
		{Role: RoleAdmin, Scope: Any},
		{Role: RoleOfficer, Scope: Jurisdiction}, {Role: RoleReviewer, Scope: Jurisdiction},
		{Role: RoleRegulator, Scope: Jurisdiction},
		{Role: RoleMember, Scope: Org},
	},
	OrgCreate: {{Role: RoleAdmin, Scope: Any}, {Role: RoleOfficer, Scope: Jurisdiction, Kinds: nonGovernment}},
	OrgUpdate: {{Role: RoleAdmin, Scope: Any}, {Role: RoleOfficer, Scope: Jurisdiction, Kinds: nonGovernment}},
	UserRead: {
		{Role: RoleAdmin, Scope: Any}, {Role: RoleOrgAdmin, Scope: Org},
		// The implementing unit sees the members of the units it registers,
		// and checks operator staff's training and confidentiality records (Art. 30).
		{Role: RoleOfficer, Scope: Jurisdiction, Kinds: nonGovernment},
		{Role: RoleMember, Scope: Self},
	},
	// An implementing unit that registers a unit also creates its first accounts.
	UserCreate:      {{Role: RoleAdmin, Scope: Any}, {Role: RoleOrgAdmin, Scope: Org}, {Role: RoleOfficer, Scope: Jurisdiction, Kinds: nonGovernment}},
	UserUpdate:      {{Role: RoleAdmin, Scope: Any}, {Role: RoleOrgAdmin, Scope: Org}},
	UserSetPassword: {{Role: RoleAdmin, Scope: Any}, {Role: RoleOrgAdmin, Scope: Org}},
	APIKeyRead:      {{Role: RoleAdmin, Scope: Any}, {Role: RoleAppDeveloper, Scope: Org}, {Role: RoleOrgAdmin, Scope: Org, Kinds: []Kind{KindAppUnit}}},
	APIKeyCreate:    {{Role: RoleAppDeveloper, Scope: Org}, {Role: RoleOrgAdmin, Scope: Org, Kinds: []Kind{KindAppUnit}}},
	APIKeyRevoke:    {{Role: RoleAdmin, Scope: Any}, {Role: RoleAppDeveloper, Scope: Org}, {Role: RoleOrgAdmin, Scope: Org, Kinds: []Kind{KindAppUnit}}},
	CatalogRead: {
		{Role: RoleAdmin, Scope: Any},
		{Role: RoleOfficer, Scope: Jurisdiction}, {Role: RoleReviewer, Scope: Jurisdiction}, {Role: RoleRegulator, Scope: Jurisdiction},
		{Role: RoleCommissioner, Scope: Org},
	},
	// Whoever may read every entry may browse those in scope; operators browse
	// them to apply for data, commissioners to see what others supply.
	CatalogBrowse: {
		{Role: RoleAdmin, Scope: Any},
		{Role: RoleOfficer, Scope: Jurisdiction}, {Role: RoleReviewer, Scope: Jurisdiction}, {Role: RoleRegulator, Scope: Jurisdiction},
		{Role: RoleOperatorManager, Scope: Jurisdiction}, {Role: RoleAnalyst, Scope: Jurisdiction},
		{Role: RoleCommissioner, Scope: Jurisdiction},
	},
	CatalogWrite: {{Role: RoleCommissioner, Scope: Org}},
	// The platform administrator loads files with shuyu ingest on a provider's behalf.
	DatasetUpload: {{Role: RoleAdmin, Scope: Any}, {Role: RoleCommissioner, Scope: Org}},
	// Whoever reaches an entry (catalog.read, or catalog.browse when it is in
	// scope) may see its quality and file tickets against it; the quality
	// service checks the entry's visibility as well as these rules.
	QualityRead: entryReaders,
	TicketFile:  entryReaders,
	TicketRead: {
		{Role: RoleAdmin, Scope: Any},
		{Role: RoleOfficer, Scope: Jurisdiction}, {Role: RoleReviewer, Scope: Jurisdiction}, {Role: RoleRegulator, Scope: Jurisdiction},
		{Role: RoleCommissioner, Scope: Org},
		{Role: RoleMember, Scope: Self},
	},
	TicketAnswer: {{Role: RoleCommissioner, Scope: Org}},
	TicketAccept: {{Role: RoleMember, Scope: Self}},
	TicketReject: {{Role: RoleMember, Scope: Self}},
	// The implementing unit runs the correction process (Art. 8) and may
	// close a ticket that needs nothing more, e.g. a duplicate.
	TicketClose: {{Role: RoleMember, Scope: Self}, {Role: RoleOfficer, Scope: Jurisdiction}},
	// The supply evaluation guides IT funding (Art. 7, 24): the implementing
	// unit and regulators read it for their jurisdiction, a provider its own line.
	SupplyRead: {
		{Role: RoleAdmin, Scope: Any},
		{Role: RoleOfficer, Scope: Jurisdiction}, {Role: RoleReviewer, Scope: Jurisdiction}, {Role: RoleRegulator, Scope: Jurisdiction},
		{Role: RoleCommissioner, Scope: Org},
	},
	LedgerRead: {
		{Role: RoleAdmin, Scope: Any},
		{Role: RoleOfficer, Scope: Jurisdiction}, {Role: RoleRegulator, Scope: Jurisdiction},
		{Role: RoleOrgAdmin, Scope: Org},
	},
	// The criteria are known in advance to everyone an evaluation concerns.
	EvaluationTemplateRead: {
		{Role: RoleAdmin, Scope: Any}, {Role: RoleOfficer, Scope: Any}, {Role: RoleReviewer, Scope: Any},
		{Role: RoleRegulator, Scope: Any}, {Role: RoleOperatorManager, Scope: Any},
	},
	EvaluationRead:      evaluationReaders,
	EvaluationOpen:      {{Role: RoleOfficer, Scope: Jurisdiction}},
	EvaluationAnswer:    {{Role: RoleOperatorManager, Scope: Org}},
	EvaluationScore:     {{Role: RoleReviewer, Scope: Jurisdiction}},
	EvaluationFinalise:  {{Role: RoleOfficer, Scope: Jurisdiction}},
	RectificationRead:   evaluationReaders,
	RectificationCreate: {{Role: RoleOfficer, Scope: Jurisdiction}},
	RectificationSubmit: {{Role: RoleOperatorManager, Scope: Org}},
	RectificationReview: {{Role: RoleOfficer, Scope: Jurisdiction}, {Role: RoleReviewer, Scope: Jurisdiction}},
	// Every signed-in user has an inbox; it lists only their own items.
	InboxRead: {{Role: RoleMember, Scope: Self}},

	// The implementing unit's officers run the procedure and record the
	// government's decisions; its reviewers are the evaluators who score.
	PlanRead:          unitOverseers,
	PlanWrite:         {{Role: RoleOfficer, Scope: Jurisdiction}},
	PlanDecide:        {{Role: RoleOfficer, Scope: Jurisdiction}},
	AnnouncementRead:  {{Role: RoleAdmin, Scope: Any}, {Role: RoleMember, Scope: Jurisdiction}},
	AnnouncementWrite: {{Role: RoleOfficer, Scope: Jurisdiction}},
	AnnouncementVeto:  {{Role: RoleOfficer, Scope: Jurisdiction}},
	ApplicationSubmit: {{Role: RoleOperatorManager, Scope: Org}},
	ApplicationRead:   slices.Concat(unitOverseers, []Rule{{Role: RoleOperatorManager, Scope: Org}}),
	ApplicationCheck:  {{Role: RoleOfficer, Scope: Jurisdiction}},
	ApplicationScore:  {{Role: RoleReviewer, Scope: Jurisdiction}},
	// Publicity is to society: whoever is signed in may object, and sees
	// their own objections.
	ObjectionFile:      {{Role: RoleMember, Scope: Self}},
	ObjectionRead:      slices.Concat(unitOverseers, []Rule{{Role: RoleMember, Scope: Self}}),
	ObjectionResolve:   {{Role: RoleOfficer, Scope: Jurisdiction}},
	AgreementRead:      slices.Concat(unitOverseers, []Rule{{Role: RoleOperatorManager, Scope: Org}, {Role: RoleAnalyst, Scope: Org}}),
	AgreementWrite:     {{Role: RoleOfficer, Scope: Jurisdiction}},
	AgreementFinance:   {{Role: RoleFinance, Scope: Org}}, // the finance department the agreement names
	AgreementTerminate: {{Role: RoleOfficer, Scope: Jurisdiction}},
	AgreementRevoke:    {{Role: RoleOfficer, Scope: Jurisdiction}},
	// The platform's jobs act as the administrator.
	GovernanceSchedule: {{Role: RoleAdmin, Scope: Any}},

	// Only the operator's analysts work in its grants; its managers read
	// what they did and take the released results.
	WorkspaceQuery: {{Role: RoleAnalyst, Scope: Org}},
	WorkspaceRead:  {{Role: RoleAnalyst, Scope: Org}, {Role: RoleOperatorManager, Scope: Org}},
	ReleaseRequest: {{Role: RoleAnalyst, Scope: Org}},
	ReleaseRead:    slices.Concat(unitOverseers, []Rule{{Role: RoleAnalyst, Scope: Org}, {Role: RoleOperatorManager, Scope: Org}}),
	// The implementing unit's reviewers decide what leaves (SPEC §3).
	ReleaseDecide: {{Role: RoleReviewer, Scope: Jurisdiction}},
	// Nothing unreleased is downloadable by anyone: the service checks the
	// release's state as well as this rule.
	ReleaseDownload: {{Role: RoleAnalyst, Scope: Org}, {Role: RoleOperatorManager, Scope: Org}},

	// Operator staff file the demands of their scenarios; the unit's
	// reviewers and the commissioners of the providers concerned review
	// them (Art. 18: 实施单位会同数据提供单位审核).
	DemandFile:   {{Role: RoleOperatorManager, Scope: Org}, {Role: RoleAnalyst, Scope: Org}},
	DemandRead:   demandReaders,
	DemandReview: {{Role: RoleReviewer, Scope: Jurisdiction}, {Role: RoleCommissioner, Scope: Org}},
	GrantRead:    demandReaders,
	GrantRevoke:  {{Role: RoleOfficer, Scope: Jurisdiction}, {Role: RoleReviewer, Scope: Jurisdiction}},

	BillingRead:       evaluationReaders,
	BillingMaximumSet: {{Role: RoleOfficer, Scope: Jurisdiction}},
	BillingCapSet:     {{Role: RoleOfficer, Scope: Jurisdiction}},
	BillingPriceSet:   {{Role: RoleOperatorManager, Scope: Org}},
	BillingRuleSet:    {{Role: RoleOfficer, Scope: Jurisdiction}},
	// The platform runs the meter; its administrator (or its job) issues.
	StatementIssue: {{Role: RoleAdmin, Scope: Any}},
	StatementRead:  slices.Concat(evaluationReaders, []Rule{{Role: RoleAppDeveloper, Scope: Org}}),

	ProductRegister:    {{Role: RoleOperatorManager, Scope: Org}},
	ProductRead:        slices.Concat(evaluationReaders, []Rule{{Role: RoleAnalyst, Scope: Org}}),
	ProductBrowse:      {{Role: RoleMember, Scope: Any}, {Role: RoleAPIKey, Scope: Any}},
	ProductReview:      {{Role: RoleReviewer, Scope: Jurisdiction}, {Role: RoleOfficer, Scope: Jurisdiction}},
	SubscriptionApply:  {{Role: RoleAppDeveloper, Scope: Org}, {Role: RoleOrgAdmin, Scope: Org, Kinds: []Kind{KindAppUnit}}},
	SubscriptionRead:   slices.Concat(evaluationReaders, []Rule{{Role: RoleAppDeveloper, Scope: Org}, {Role: RoleOrgAdmin, Scope: Org, Kinds: []Kind{KindAppUnit}}}),
	SubscriptionDecide: {{Role: RoleOperatorManager, Scope: Org}},
	ProductCall:        {{Role: RoleAPIKey, Scope: Org}},
}

// demandReaders read demands and grants: the unit and its overseers, the
// operator's staff, the commissioners of the providers whose data they concern.
var demandReaders = slices.Concat(unitOverseers, []Rule{{Role: RoleOperatorManager, Scope: Org}, {Role: RoleAnalyst, Scope: Org},
	{Role: RoleCommissioner, Scope: Org}})

// unitOverseers read what an implementing unit runs: the unit itself and the
// regulators of its jurisdiction.
var unitOverseers = []Rule{
	{Role: RoleAdmin, Scope: Any},
	{Role: RoleOfficer, Scope: Jurisdiction}, {Role: RoleReviewer, Scope: Jurisdiction}, {Role: RoleRegulator, Scope: Jurisdiction},
}

// evaluationReaders read an operator's evaluations and rectification tasks:
// the implementing unit and the regulators of the agreement's jurisdiction
// (read-only, Art. 24 "会同有关部门"), and the operator's managers.
var evaluationReaders = []Rule{
	{Role: RoleAdmin, Scope: Any},
	{Role: RoleOfficer, Scope: Jurisdiction}, {Role: RoleReviewer, Scope: Jurisdiction}, {Role: RoleRegulator, Scope: Jurisdiction},
	{Role: RoleOperatorManager, Scope: Org},
}

// entryReaders reach a catalog entry: everyone with catalog.read or
// catalog.browse, as far as either reaches.
var entryReaders = []Rule{
	{Role: RoleAdmin, Scope: Any},
	{Role: RoleOfficer, Scope: Jurisdiction}, {Role: RoleReviewer, Scope: Jurisdiction}, {Role: RoleRegulator, Scope: Jurisdiction},
	{Role: RoleOperatorManager, Scope: Jurisdiction}, {Role: RoleAnalyst, Scope: Jurisdiction},
	{Role: RoleCommissioner, Scope: Jurisdiction},
}

// Check returns nil when p may take action a on r, and otherwise an
// unauthenticated (anonymous caller) or forbidden error that says why.
func Check(p Principal, a Action, r Resource) error {
	if p.Anonymous() {
		return errs.E(errs.Unauthenticated, "sign in first: %s needs an authenticated caller", a)
	}
	rules, ok := policy[a]
	if !ok {
		return errs.E(errs.Forbidden, "%s is not permitted to anyone", a)
	}
	for _, rule := range rules {
		if p.Has(rule.Role) && rule.Scope.covers(p, r) && (len(rule.Kinds) == 0 || slices.Contains(rule.Kinds, r.OrgKind)) {
			return nil
		}
	}
	if Permits(p, a) {
		return errs.E(errs.Forbidden, "%s: this %s lies outside what your roles reach (your organization or jurisdiction)", a, noun(a))
	}
	return errs.E(errs.Forbidden, "%s needs one of the roles %s", a, strings.Join(rolesOf(rules), ", "))
}

// Permits reports whether p holds a role that may take a at all, on some
// resource. Routes use it to refuse early; Check decides for a given resource.
func Permits(p Principal, a Action) bool {
	for _, rule := range policy[a] {
		if p.Has(rule.Role) {
			return true
		}
	}
	return false
}

// Known reports whether a is in the policy table.
func Known(a Action) bool { _, ok := policy[a]; return ok }

func noun(a Action) string {
	s := string(a)
	if i := strings.IndexByte(s, '.'); i > 0 {
		s = s[:i]
	}
	return s
}

func rolesOf(rules []Rule) []string {
	var out []string
	for _, r := range rules {
		if !slices.Contains(out, string(r.Role)) {
			out = append(out, string(r.Role))
		}
	}
	return out
}

// Widest returns the farthest scope any of p's roles reaches for a, or 0 when
// none does; lists use it to filter in SQL before checking each item.
func Widest(p Principal, a Action) Scope {
	var best Scope
	for _, rule := range policy[a] {
		if p.Has(rule.Role) && (best == 0 || rule.Scope < best) {
			best = rule.Scope
		}
	}
	return best
}

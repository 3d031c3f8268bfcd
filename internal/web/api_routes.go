package web

import (
	"net/http"
	"slices"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/catalog"
	"shuyu/internal/domain"
	"shuyu/internal/identity"
	"shuyu/internal/ingest"
	"shuyu/internal/ledger"
)

// apiRoutes is the table of every API route. Adding a route to it is the
// only way to add one, and the route-by-role test fails until it has an
// entry. Feature areas keep their part of the table in their own file.
func (s *Server) apiRoutes() []route {
	// Demands, billing and the workspace come before governance: the
	// route-by-role test takes the steps in this order, and governance's end
	// the demo agreement.
	return slices.Concat(s.coreRoutes(), s.qualityRoutes(), s.pullRoutes(), s.demandRoutes(), s.billingRoutes(), s.workspaceRoutes(), s.productRoutes(), s.governanceRoutes(),
		s.oversightRoutes())
}

// coreRoutes are identity, catalog, ledger and calendar.
func (s *Server) coreRoutes() []route {
	pageQuery := []param{
		{name: "limit", typ: "integer", doc: "page size, 1–500 (default 50)"},
		{name: "after", typ: "string", doc: "cursor: the next value of the previous page"},
	}
	return []route{
		{method: "POST", path: "/api/v1/auth/login", tag: "auth", summary: "Sign in with a username and password; returns a bearer token",
			in: loginRequest{}, out: identity.Session{}, handle: s.login},
		{method: "POST", path: "/api/v1/auth/logout", tag: "auth", summary: "End the session of the presented token",
			action: access.SessionEnd, handle: s.logout},
		{method: "GET", path: "/api/v1/me", tag: "auth", summary: "Who the caller is: user, organization, kind, roles, jurisdiction",
			action: access.SelfRead, out: meResponse{}, handle: s.me},
		{method: "POST", path: "/api/v1/me/password", tag: "auth", summary: "Change the caller's own password",
			action: access.SelfPassword, in: passwordChange{}, handle: s.changePassword},

		{method: "GET", path: "/api/v1/jurisdictions", tag: "identity", summary: "List the city and its counties",
			out: List[identity.Jurisdiction]{}, handle: s.listJurisdictions},
		{method: "POST", path: "/api/v1/jurisdictions", tag: "identity", summary: "Add a city or a county",
			action: access.JurisdictionCreate, in: identity.Jurisdiction{}, out: identity.Jurisdiction{}, status: http.StatusCreated, handle: s.createJurisdiction},
		{method: "GET", path: "/api/v1/roles", tag: "identity", summary: "The organization kinds and the roles each may hold",
			out: []kindRoles{}, handle: s.listRoles},

		{method: "GET", path: "/api/v1/organizations", tag: "identity", summary: "List the organizations the caller may see",
			action: access.OrgRead, query: pageQuery, out: List[identity.Organization]{}, handle: s.listOrgs},
		{method: "POST", path: "/api/v1/organizations", tag: "identity", summary: "Register an organization",
			action: access.OrgCreate, in: identity.OrgInput{}, out: identity.Organization{}, status: http.StatusCreated, handle: s.createOrg},
		{method: "GET", path: "/api/v1/organizations/{id}", tag: "identity", summary: "One organization",
			action: access.OrgRead, out: identity.Organization{}, handle: s.getOrg},
		{method: "PATCH", path: "/api/v1/organizations/{id}", tag: "identity", summary: "Change an organization",
			action: access.OrgUpdate, in: identity.OrgInput{}, out: identity.Organization{}, handle: s.updateOrg},
		{method: "GET", path: "/api/v1/organizations/{id}/users", tag: "identity", summary: "List an organization's users",
			action: access.UserRead, query: pageQuery, out: List[identity.User]{}, handle: s.listUsers},
		{method: "POST", path: "/api/v1/organizations/{id}/users", tag: "identity", summary: "Add a user to an organization",
			action: access.UserCreate, in: newUser{}, out: identity.User{}, status: http.StatusCreated, handle: s.createUser},
		{method: "GET", path: "/api/v1/users/{id}", tag: "identity", summary: "One user",
			action: access.UserRead, out: identity.User{}, handle: s.getUser},
		{method: "PATCH", path: "/api/v1/users/{id}", tag: "identity", summary: "Change a user's name, roles, training and confidentiality records, or status",
			action: access.UserUpdate, in: identity.UserInput{}, out: identity.User{}, handle: s.updateUser},
		{method: "POST", path: "/api/v1/users/{id}/password", tag: "identity", summary: "Set a user's password (administrators); ends their sessions",
			action: access.UserSetPassword, in: passwordSet{}, handle: s.setPassword},

		{method: "GET", path: "/api/v1/api-keys", tag: "identity", summary: "List an application unit's API keys (secrets are never shown again)",
			action: access.APIKeyRead, query: append([]param{{name: "org_id", typ: "string", doc: "organization (default: the caller's)"}}, pageQuery...),
			out: List[identity.APIKey]{}, handle: s.listAPIKeys},
		{method: "POST", path: "/api/v1/api-keys", tag: "identity", summary: "Create an API key; the key is in this answer only",
			action: access.APIKeyCreate, in: newAPIKey{}, out: createdAPIKey{}, status: http.StatusCreated, handle: s.createAPIKey},
		{method: "DELETE", path: "/api/v1/api-keys/{id}", tag: "identity", summary: "Revoke an API key at once",
			action: access.APIKeyRevoke, out: identity.APIKey{}, handle: s.revokeAPIKey},

		{method: "GET", path: "/api/v1/ledger/checkpoint", tag: "ledger", summary: "The current signed tree head, with the public key",
			out: checkpointResponse{}, handle: s.checkpoint},
		{method: "GET", path: "/api/v1/ledger/entries", tag: "ledger", summary: "List ledger entries the caller may read, newest first",
			action: access.LedgerRead, query: []param{
				{name: "action", typ: "string", doc: "action prefix, e.g. auth."},
				{name: "object_type", typ: "string"}, {name: "object_id", typ: "string"},
				{name: "limit", typ: "integer", doc: "page size, 1–500 (default 100)"},
				{name: "before", typ: "integer", doc: "cursor: list entries with a lower index"},
			}, out: entryList{}, handle: s.listEntries},
		{method: "GET", path: "/api/v1/ledger/entries/{index}", tag: "ledger", summary: "One ledger entry with its inclusion proof",
			action: access.LedgerRead, out: entryWithProof{}, handle: s.getEntry},
		{method: "GET", path: "/api/v1/ledger/proofs/inclusion", tag: "ledger", summary: "Inclusion proof of an entry in a tree size",
			query: []param{{name: "index", typ: "integer", required: true}, {name: "size", typ: "integer", doc: "tree size (default: current)"}},
			out:   ledger.InclusionProof{}, handle: s.inclusion},
		{method: "GET", path: "/api/v1/ledger/proofs/consistency", tag: "ledger", summary: "Consistency proof between two tree sizes",
			query: []param{{name: "first", typ: "integer", required: true}, {name: "second", typ: "integer", doc: "tree size (default: current)"}},
			out:   ledger.ConsistencyProof{}, handle: s.consistency},

		{method: "GET", path: "/api/v1/catalog/scheme", tag: "catalog", summary: "The classification tree and grading scheme (GB/T 43697-2024)",
			action: access.SelfRead, out: catalog.Scheme{}, handle: s.scheme},
		{method: "GET", path: "/api/v1/datasets", tag: "catalog", summary: "List the catalog entries the caller may see, with their current versions",
			action: access.CatalogBrowse, query: pageQuery, out: List[ingest.Entry]{}, handle: s.listDatasets},
		{method: "POST", path: "/api/v1/datasets", tag: "catalog", summary: "Create a catalog entry (data commissioners)",
			action: access.CatalogWrite, in: catalog.Input{}, out: catalog.Dataset{}, status: http.StatusCreated, handle: s.createDataset},
		{method: "GET", path: "/api/v1/datasets/{id}", tag: "catalog", summary: "One catalog entry (by ID or name) with its current version",
			action: access.CatalogBrowse, out: ingest.Entry{}, handle: s.getDataset},
		{method: "PATCH", path: "/api/v1/datasets/{id}", tag: "catalog", summary: "Edit a catalog entry; each edit is kept as a revision",
			action: access.CatalogWrite, in: catalog.Input{}, out: catalog.Dataset{}, handle: s.updateDataset},
		{method: "GET", path: "/api/v1/datasets/{id}/revisions", tag: "catalog", summary: "Every revision of a catalog entry, oldest first",
			action: access.CatalogBrowse, out: List[catalog.Dataset]{}, handle: s.datasetRevisions},
		{method: "GET", path: "/api/v1/datasets/{id}/suggestions", tag: "catalog", summary: "What the sensitive-field detector suggests for the latest version",
			action: access.CatalogBrowse, out: List[catalog.Suggestion]{}, handle: s.datasetSuggestions},
		{method: "GET", path: "/api/v1/datasets/{id}/versions", tag: "catalog", summary: "The versions of a catalog entry, newest first",
			action: access.CatalogBrowse, out: List[domain.Version]{}, handle: s.listVersions},
		{method: "POST", path: "/api/v1/datasets/{id}/versions", tag: "catalog",
			summary: "Upload a new version: multipart/form-data with the field file (CSV, XLSX or Parquet); optional fields format and encoding must come before file, or be given as query parameters",
			action:  access.DatasetUpload, query: []param{{name: "format", typ: "string", doc: "csv, xlsx or parquet (default: detected)"},
				{name: "encoding", typ: "string", doc: "of CSV: utf-8, gbk or gb18030 (default: detected)"}},
			in: uploadForm{}, out: ingest.Result{}, status: http.StatusCreated, handle: s.uploadVersion},

		{method: "GET", path: "/api/v1/calendar/{year}", tag: "calendar", summary: "Holidays and make-up working days of a year",
			out: yearCalendar{}, handle: s.calendarYear},
		{method: "GET", path: "/api/v1/calendar/deadline", tag: "calendar", summary: "The deadline a number of working days after a date",
			query: []param{{name: "from", typ: "string", required: true, doc: "start date YYYY-MM-DD (not counted)"},
				{name: "days", typ: "integer", required: true, doc: "working days, 1–366"}},
			out: calendar.Due{}, handle: s.deadline},
	}
}

package web

import (
	"net/http"

	"shuyu/internal/access"
)

// console serves the web console and the public portal: server-rendered
// pages over the same services the API calls. It keeps the parsed templates;
// everything else comes from the Server.
type console struct {
	*Server
	pages templates
}

// consoleRoutes registers the console and the public portal.
//
// Every page goes through http.CrossOriginProtection, which refuses a
// state-changing request that a browser marks as coming from another site;
// that is what protects the login form, which has no session to derive a
// CSRF token from. Signed-in forms also carry a token (see signedIn).
func (s *Server) consoleRoutes(mux *http.ServeMux) {
	c := &console{Server: s, pages: mustParseTemplates()}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(c.crossOriginDenied))
	handle := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, cop.Handler(h)) }

	mux.Handle("GET /static/", staticHandler())
	handle("GET /{$}", c.portalHome)
	handle("GET /catalog", c.portalCatalog)
	handle("GET /lang", c.switchLang)
	handle("GET /login", c.loginForm)
	handle("POST /login", c.loginSubmit)
	handle("POST /logout", c.signedIn("", c.logout))

	handle("GET /console", c.signedIn(access.SelfRead, c.dashboard))
	handle("GET /console/account", c.signedIn(access.SelfPassword, c.accountForm))
	handle("POST /console/account", c.signedIn(access.SelfPassword, c.accountSubmit))

	handle("GET /console/orgs", c.signedIn(access.OrgRead, c.orgList))
	handle("GET /console/orgs/new", c.signedIn(access.OrgCreate, c.orgNewForm))
	handle("POST /console/orgs/new", c.signedIn(access.OrgCreate, c.orgNewSubmit))
	handle("GET /console/orgs/{id}", c.signedIn(access.OrgRead, c.orgShow))
	handle("POST /console/orgs/{id}", c.signedIn(access.OrgUpdate, c.orgUpdate))
	handle("GET /console/orgs/{id}/users/new", c.signedIn(access.UserCreate, c.userNewForm))
	handle("POST /console/orgs/{id}/users/new", c.signedIn(access.UserCreate, c.userNewSubmit))

	handle("GET /console/users/{id}", c.signedIn(access.UserRead, c.userShow))
	handle("POST /console/users/{id}", c.signedIn(access.UserUpdate, c.userUpdate))
	handle("POST /console/users/{id}/password", c.signedIn(access.UserSetPassword, c.userSetPassword))

	handle("GET /console/api-keys", c.signedIn(access.APIKeyRead, c.apiKeyList))
	handle("POST /console/api-keys", c.signedIn(access.APIKeyCreate, c.apiKeyCreate))
	handle("POST /console/api-keys/{id}/revoke", c.signedIn(access.APIKeyRevoke, c.apiKeyRevoke))

	handle("GET /console/ledger", c.signedIn(access.LedgerRead, c.ledgerPage))

	c.supplyRoutes(handle)
	c.governanceRoutes(handle)
	c.sandboxPages(handle)
	c.productPages(handle)
	c.disclosureRoutes(handle)

	// Anything else is a page that does not exist, answered in HTML. The
	// pattern has no method so that it stays less specific than "/api/".
	handle("/", c.notFound)
}

func (c *console) notFound(w http.ResponseWriter, r *http.Request) {
	v := c.newView(w, r)
	c.fail(w, r, v, errNoPage, "error", nil)
}

func (c *console) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	v := c.newView(w, r)
	c.fail(w, r, v, errCrossOrigin, "error", nil)
}

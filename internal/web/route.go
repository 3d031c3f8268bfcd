package web

import (
	"context"
	"net/http"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
)

// route is one API operation. The table of routes drives the router, the
// authorization gate, the OpenAPI document and the route-by-role test.
type route struct {
	method, path string
	summary      string
	tag          string
	// action is what the caller must be permitted; "" marks a public route.
	action access.Action
	// in and out are zero values of the request and response bodies, for the
	// OpenAPI document; in is nil when the route takes no body.
	in, out any
	query   []param
	status  int // on success; 200 when zero
	handle  func(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error)
	// download is the media type of a file the handler streams to w itself
	// (an XLSX export); the route then adds nothing to the answer.
	download string
}

// param documents a query parameter.
type param struct {
	name, typ, doc string
	required       bool
}

var errNoRoute = errs.E(errs.NotFound, "no such API route; see /api/v1/openapi.json")

// api wraps a route: authenticate, gate on the route's action, run, encode.
func (s *Server) api(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.apiPrincipal(r)
		if err == nil && rt.action != "" {
			switch {
			case p.Anonymous():
				err = errs.E(errs.Unauthenticated, "sign in first: send Authorization: Bearer <token> (POST /api/v1/auth/login) or an API key")
			case !access.Permits(p, rt.action):
				err = access.Check(p, rt.action, access.Resource{})
			}
		}
		var out any
		if err == nil {
			setPrincipal(r, p)
			out, err = rt.handle(w, r, p)
		}
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		if rt.download != "" {
			return
		}
		status := rt.status
		if status == 0 {
			status = http.StatusOK
		}
		if out == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, status, out)
	})
}

// apiPrincipal authenticates an API request by its Authorization header. No
// header means the anonymous public; a bad one is an error.
func (s *Server) apiPrincipal(r *http.Request) (access.Principal, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return access.Principal{}, nil
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		return access.Principal{}, errs.E(errs.Unauthenticated, "Authorization: want \"Bearer <token>\"")
	}
	return s.Identity.Authenticate(r.Context(), token, identity.APISession, clientAddr(r, s.TrustedProxies))
}

type principalKey struct{}

// principalHolder lets the logging middleware, which runs outside the
// handler, learn who the caller turned out to be.
type principalHolder struct{ p access.Principal }

func setPrincipal(r *http.Request, p access.Principal) {
	if h, ok := r.Context().Value(principalKey{}).(*principalHolder); ok {
		h.p = p
	}
}

func withPrincipalHolder(ctx context.Context) (context.Context, *principalHolder) {
	h := &principalHolder{}
	return context.WithValue(ctx, principalKey{}, h), h
}

// RouteInfo describes an API route for tools and tests.
type RouteInfo struct {
	Method, Path string
	// Action is what the caller must be permitted; "" for public routes.
	Action access.Action
}

// Routes lists the API routes of the route table.
func (s *Server) Routes() []RouteInfo {
	out := make([]RouteInfo, len(s.routes))
	for i, rt := range s.routes {
		out[i] = RouteInfo{Method: rt.method, Path: rt.path, Action: rt.action}
	}
	return out
}

// Package web is shuyu's HTTP face: the JSON API under /api/v1 with its
// OpenAPI document, the server-rendered console, the public portal, and the
// operational endpoints (/healthz, /readyz, /metrics).
//
// Handlers are thin: decode and validate the request, call one service
// method, encode the answer. Every API route is declared once in the route
// table with the access action it needs; the table drives the router, the
// authorization gate and the OpenAPI document, so a route cannot exist
// without an entry. web holds no SQL and makes no authorization decision of
// its own beyond asking package access.
package web

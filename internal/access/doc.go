// Package access is the single table of who may do what. Every route and every
// service method asks it, and nothing else in shuyu decides authorization.
//
// Deny by default: an action absent from the policy, a principal without a
// matching role, or a resource outside the principal's organization or
// jurisdiction is refused. It owns the names of organization kinds, roles and
// actions; it never reads the database (callers load the resource first and
// describe it with a Resource).
package access

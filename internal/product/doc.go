// Package product owns data products and their use (Art. 19–21; SPEC §2,
// §3): what an operator registers on its grants (an API service, a
// statistical report from a released result, or a model, registration
// only), the implementing unit's compliance review and the registration
// record (登记: code, three-year validity, change, deregistration), the
// application units' subscriptions with their stated purpose, and the API
// gateway that answers their calls, limits them and meters them.
//
// An API product's query is analyzed by the sandbox under its grant when
// it is registered, and its answers come from an index the sandbox builds
// inside the domain when the product is published (sandbox.BuildIndex),
// rebuilt when the grant's data has a new version: a call never scans a
// dataset, and this package never touches a raw row. A product ends
// (deregistered, by the platform) in the transaction that ends what it
// rests on: its agreement's exit (ExitHook) or the revocation or expiry of
// a grant it draws on (GrantEndHook); the gateway remembers what its
// checks read only until this process's next commit (store.Memo), so the
// next call here is refused, and one in another process within
// store.MemoTTL (permit.go).
//
// Every call is counted; the counts and the hash of each batch of call
// records go to the database and the ledger together, by count or by time
// and on shutdown (meter.go). The meter's months are billing's Usage:
// package billing prices them; this package never prices anything, and
// decides who may do what only through package access.
package product

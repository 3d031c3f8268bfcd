// Package app wires shuyu together: from a Config it opens the store,
// applies migrations, loads the ledger key and the calendar, builds the
// services and the HTTP server, and serves with graceful shutdown. It is the
// one place that knows every package; nothing imports it but cmd/shuyu and
// tests.
package app

// Package demotest gives feature packages' tests the demo city over a real
// store: the ledger, identity with the demo's organizations and accounts
// (password Password), and a clock the test moves, which the store's Now
// reads. Feature fixtures (plantest, quality's, evaluation's) build their
// services on it.
package demotest

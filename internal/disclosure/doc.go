// Package disclosure gathers what the public may read (regulation Art. 25;
// SPEC §5): the portal's data, the machine-readable feeds (JSON, Atom, a
// DCAT-style JSON-LD catalog) and the annual disclosure report with its
// XLSX export.
//
// It owns no table. It asks the owning packages through their public
// methods (product.Public, billing.Public, demand.Scenarios,
// evaluation.PublicResults, agreement.Public, tender.Public,
// catalog.Public), each of which releases only public facts, and it copies
// from their answers field by field into its own types, so that a field an
// owner adds later does not reach the public by accident.
//
// It never reads raw data, personal data, drafts, unpublished products,
// reviews, answers, API keys or what one application unit paid.
package disclosure

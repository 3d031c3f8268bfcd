// Package demand owns demand applications (数据需求申请, Art. 18–19) and the
// grants they create: what an operator may analyse in the sandbox.
//
// An operator's staff file a demand inside one of the operator's active
// agreements: the scenario (应用场景), the purpose, the period, the exact
// fields wanted from each dataset with a justification for each (minimum
// necessary), optionally a row filter per dataset (conditions on its
// fields, typed and checked against the catalog; the grant's views hold
// only the rows inside), and the analysis rule asked for with its
// parameters. The
// implementing unit and every provider whose data it concerns review it:
// any one of them may reject it or send it back with comments; the operator
// resubmits after a return; when every party has approved the same round,
// the demand is approved and its grant is created in the same transaction.
// Both lifecycles are fsm tables.
//
// A grant never exceeds its agreement: its datasets lie in the agreement's
// scope, it expires at the latest when the agreement ends, it never covers
// core data (核心数据) or a column the catalog does not declare. These are
// checked at filing, at every approval, and again whenever the sandbox
// asks for a grant (Held), which resolves each dataset's current version
// and the catalog's field types and privacy-unit column at that moment.
// A grant ends with its agreement's exit (the hook Exit, in the exit's own
// transaction), at its expiry (Tick), or when the unit revokes it; the
// last two tell the hooks registered with OnGrantEnd in their transaction,
// so that what is built on the grant (a data product) stops with it.
//
// It never runs a query or touches a data file (package sandbox does, with
// the spec Held gives), never decides who may do what (package access
// does), and never changes an agreement or a catalog entry.
package demand

// Package tender owns the competitive selection of operators (Art. 12–16):
// announcements (申报公告) made under an approved implementation plan, with
// their method, scope, conditions, weighted criteria and deadline;
// operators' applications with the seven Art. 13 declarations and their
// evidence files; the unit's eligibility check item by item and its
// evaluators' scores; the award and its publicity (公示) for a number of
// working days; objections (异议) and their resolution; and the veto that
// stops a selection endangering national security or the public interest
// (Art. 16). Announcements, applications and objections are fsm lifecycles.
//
// It tells the agreement package who won (Award) and lets it bind the one
// agreement signed on a result (BindAgreement). It never signs or reads
// agreements, never decides who may do what (package access does), and
// keeps evidence files only in its own directory, named by their SHA-256.
package tender

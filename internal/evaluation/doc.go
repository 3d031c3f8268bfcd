// Package evaluation owns the annual evaluation of operators and the
// rectification of what it finds (Art. 24; Art. 32 for cooperation):
//
//   - scoring templates: sections of items, each with its weight (分值) and
//     guidance, and the grade bands; the default is embedded, a deployment
//     may load its own file; every version used is stored, and an
//     evaluation keeps the version it was opened with;
//   - evaluations, one per agreement and year: the implementing unit opens
//     one, the operator answers each item with evidence files by a
//     working-day deadline (it can neither refuse nor skip: the unit scores
//     an unanswered evaluation once the deadline has passed), the unit's
//     reviewers score, an officer finalises; regulators of the jurisdiction
//     read;
//   - rectification tasks (整改) created from the findings of a finalised
//     evaluation, with working-day deadlines, the operator's reports and the
//     unit's acceptance or rejection; RectificationFailed tells the
//     agreement package when an agreement may be terminated for failed
//     rectification (Art. 24, Art. 27(2));
//   - the evidence files, stored once by SHA-256 in the data directory;
//   - its inbox source: what waits for whom in evaluations and rectifications.
//
// Both lifecycles are fsm tables; every change goes through fsm.Apply, so
// it is checked, written and recorded in the ledger in one transaction.
//
// It never changes an agreement (terminating one is the agreement
// package's, which asks RectificationFailed), never decides who may do what
// (package access does), and never reads another package's tables: it
// learns about agreements through the Agreements interface that app wires.
package evaluation

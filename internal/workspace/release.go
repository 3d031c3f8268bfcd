package workspace

import (
	"context"
	"fmt"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/ledger"
	"shuyu/internal/plan"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// Release is a result leaving the domain (出域), or asking to.
type Release struct {
	ID             string    `json:"id"`
	QueryID        string    `json:"query_id"`
	GrantID        string    `json:"grant_id"`
	AgreementID    string    `json:"agreement_id"`
	OperatorID     string    `json:"operator_id"`
	UnitID         string    `json:"unit_id"`
	JurisdictionID string    `json:"jurisdiction_id"`
	State          fsm.State `json:"state"`
	// Automatic releases are those the rule guarantees: aggregate answers
	// over groups of at least k units, dp answers within the budget.
	Automatic   bool       `json:"automatic"`
	Reason      string     `json:"reason,omitempty"`
	RequestedBy string     `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at"`
	DecidedBy   string     `json:"decided_by,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	Comment     string     `json:"comment,omitempty"`
	// ResultSHA256 is the hash of the result kept in the domain; CSVSHA256
	// the hash of the CSV a download sends (XLSX downloads record their
	// own hash in the ledger when they happen).
	ResultSHA256 string `json:"result_sha256"`
	CSVSHA256    string `json:"csv_sha256,omitempty"`
	Rows         int    `json:"rows"`
}

// The states of a release.
const (
	Pending  fsm.State = "pending"
	Released fsm.State = "released"
	Rejected fsm.State = "refused"
	// Void is a request whose operator exited before a decision: set by the
	// exit hook inside the exit's transaction, whose ledger entry lists it.
	Void fsm.State = "void"
)

// States lists a release's states.
var States = []fsm.State{Pending, Released, Rejected, Void}

// The reviewer's decisions.
const (
	Approve fsm.Action = "release"
	Refuse  fsm.Action = "refuse"
)

// Machine is the lifecycle of a requested release.
var Machine = fsm.New("release",
	fsm.Transition[Release]{From: []fsm.State{Pending}, Action: Approve, To: Released, Who: access.ReleaseDecide},
	fsm.Transition[Release]{From: []fsm.State{Pending}, Action: Refuse, To: Rejected, Who: access.ReleaseDecide},
)

func (r Release) ledgerDetail() map[string]any {
	return map[string]any{"query_id": r.QueryID, "grant_id": r.GrantID, "agreement_id": r.AgreementID, "state": r.State,
		"result_sha256": r.ResultSHA256, "csv_sha256": r.CSVSHA256, "rows": r.Rows}
}

// newRelease describes the release of query q's kept result res, placed
// in the jurisdiction of the agreement's implementing unit.
func (s *Service) newRelease(ctx context.Context, h Held, queryID string, res sandbox.Result) (Release, error) {
	a, err := s.agreements.Lookup(ctx, h.AgreementID)
	if err != nil {
		return Release{}, err
	}
	csvSum, err := s.csvHash(h.OperatorID, queryID, res.SHA256)
	if err != nil {
		return Release{}, err
	}
	return Release{ID: store.NewID(), QueryID: queryID, GrantID: h.ID, AgreementID: h.AgreementID, OperatorID: h.OperatorID,
		UnitID: a.UnitID, JurisdictionID: a.JurisdictionID, ResultSHA256: res.SHA256, CSVSHA256: csvSum, Rows: res.Rows}, nil
}

// automatic is the release of an aggregate or dp answer: the rule
// guarantees it, so it leaves with the answer.
func (s *Service) automatic(ctx context.Context, h Held, q Query, res sandbox.Result) (*Release, error) {
	r, err := s.newRelease(ctx, h, q.ID, res)
	if err != nil {
		return nil, err
	}
	r.State, r.Automatic, r.RequestedBy, r.DecidedBy = Released, true, q.Username, "rule:"+string(h.Spec.Rule)
	return &r, nil
}

func insertRelease(ctx context.Context, tx *store.Tx, r Release) error {
	_, err := tx.Exec(ctx, `INSERT INTO workspace_releases (id, query_id, grant_id, agreement_id, operator_id, unit_id, jurisdiction_id, state,
		automatic, reason, requested_by, requested_at, decided_by, decided_at, comment, result_sha256, csv_sha256, rows_out)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		r.ID, r.QueryID, r.GrantID, r.AgreementID, r.OperatorID, r.UnitID, r.JurisdictionID, string(r.State), r.Automatic, r.Reason,
		r.RequestedBy, r.RequestedAt, r.DecidedBy, r.DecidedAt, r.Comment, r.ResultSHA256, r.CSVSHA256, r.Rows)
	if store.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "the result of query %s has a release already; see GET /api/v1/releases?query_id=%s", r.QueryID, r.QueryID)
	}
	if err != nil {
		return fmt.Errorf("workspace: record the release of query %s: %w", r.QueryID, err)
	}
	return nil
}

const releaseColumns = `id, query_id, grant_id, agreement_id, operator_id, unit_id, jurisdiction_id, state, automatic, reason, requested_by,
	requested_at, decided_by, decided_at, comment, result_sha256, csv_sha256, rows_out`

func scanRelease(row interface{ Scan(...any) error }) (Release, error) {
	var r Release
	var state string
	err := row.Scan(&r.ID, &r.QueryID, &r.GrantID, &r.AgreementID, &r.OperatorID, &r.UnitID, &r.JurisdictionID, &state, &r.Automatic,
		&r.Reason, &r.RequestedBy, &r.RequestedAt, &r.DecidedBy, &r.DecidedAt, &r.Comment, &r.ResultSHA256, &r.CSVSHA256, &r.Rows)
	r.State = fsm.State(state)
	return r, err
}

func getRelease(ctx context.Context, q store.Querier, id, lock string) (Release, error) {
	r, err := scanRelease(q.QueryRow(ctx, `SELECT `+releaseColumns+` FROM workspace_releases WHERE id = $1`+lock, id))
	if store.IsNoRows(err) {
		return r, errs.E(errs.NotFound, "no release %s", id)
	}
	return r, err
}

// resource describes a release for access checks: the operator's, placed
// in the unit's jurisdiction.
func (s *Service) resource(ctx context.Context, r Release) (access.Resource, error) {
	return s.ids.Resource(ctx, r.OperatorID, r.JurisdictionID)
}

// RequestInput is an analyst's request that a kept result leave.
type RequestInput struct {
	// Reason says what the result is for, for the reviewer.
	Reason string `json:"reason"`
}

// Request asks that the kept result of query queryID (a review or list
// grant's) leave the domain; a reviewer of the implementing unit decides.
func (s *Service) Request(ctx context.Context, p access.Principal, queryID string, in RequestInput) (Release, error) {
	if err := plan.Text("reason", &in.Reason, 4000, "say what the result is for, for the reviewer"); err != nil {
		return Release{}, err
	}
	q, err := scanQuery(s.db.QueryRow(ctx, `SELECT `+queryColumns+queryFrom+`q.id = $1`, queryID))
	if store.IsNoRows(err) {
		return Release{}, errs.E(errs.NotFound, "no query %s", queryID)
	}
	if err != nil {
		return Release{}, err
	}
	h, err := s.held(ctx, p, q.GrantID, access.ReleaseRequest)
	if err != nil {
		return Release{}, err
	}
	switch {
	case q.Status != Answered:
		return Release{}, errs.E(errs.Conflict, "query %s was %s: it has no result to release", q.ID, q.Status)
	case q.Release != "":
		return Release{}, errs.E(errs.Conflict, "the result of query %s has a release already (%s)", q.ID, q.Release)
	}
	if err := s.usable(ctx, h); err != nil {
		return Release{}, err
	}
	r, err := s.newRelease(ctx, h, q.ID, sandbox.Result{QueryID: q.ID, Rows: q.Rows, SHA256: q.ResultSHA256})
	if err != nil {
		return Release{}, err
	}
	r.State, r.Reason, r.RequestedBy, r.RequestedAt = Pending, in.Reason, p.Username, s.db.Now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// As for an answer (record): with the grant's row locked, an exit
		// comes wholly before the request (refused) or after it (voided).
		if err := s.stillHeld(ctx, tx, h); err != nil {
			return err
		}
		if err := insertRelease(ctx, tx, r); err != nil {
			return err
		}
		return s.ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: "release.request", ObjectType: "release", ObjectID: r.ID,
			Detail: r.ledgerDetail()})
	})
	return r, err
}

// DecideInput is a reviewer's decision.
type DecideInput struct {
	Comment string `json:"comment"`
}

// Decide releases or refuses a pending release, with the reviewer's
// comment, in the ledger with the hashes of what leaves.
func (s *Service) Decide(ctx context.Context, p access.Principal, id string, action fsm.Action, in DecideInput) (Release, error) {
	if err := plan.Text("comment", &in.Comment, 4000, "say why the result may or may not leave the domain"); err != nil {
		return Release{}, err
	}
	var out Release
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		r, err := getRelease(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		res, err := s.resource(ctx, r)
		if err != nil {
			return err
		}
		now := s.db.Now()
		detail := r.ledgerDetail()
		detail["comment"] = in.Comment
		to, err := Machine.Apply(ctx, tx, s.ledger, p, fsm.Step[Release]{Object: r, From: r.State, Action: action, Resource: res, ObjectID: r.ID,
			Detail: detail, Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
				_, err := tx.Exec(ctx, `UPDATE workspace_releases SET state = $1, decided_by = $2, decided_at = $3, comment = $4 WHERE id = $5`,
					string(to), p.Username, now, in.Comment, r.ID)
				return err
			}})
		if err != nil {
			return err
		}
		r.State, r.DecidedBy, r.DecidedAt, r.Comment = to, p.Username, &now, in.Comment
		out = r
		return nil
	})
	return out, err
}

// Get returns release id if p may read it.
func (s *Service) Get(ctx context.Context, p access.Principal, id string) (Release, error) {
	r, err := getRelease(ctx, s.db, id, "")
	if err != nil {
		return r, err
	}
	res, err := s.resource(ctx, r)
	if err != nil {
		return r, err
	}
	return r, access.Check(p, access.ReleaseRead, res)
}

// Filter narrows a list of releases.
type Filter struct {
	State   fsm.State
	GrantID string
	QueryID string
}

// Releases lists the releases p may read, newest first: the operator's
// own, or those of the units in reach (with State pending: the reviewers'
// queue).
func (s *Service) Releases(ctx context.Context, p access.Principal, f Filter, page store.Page) ([]Release, string, error) {
	w, err := plan.Reach(ctx, s.ids, p, access.ReleaseRead, "jurisdiction_id", "operator_id")
	if err != nil {
		return nil, "", err
	}
	if f.State != "" {
		if err := fsm.CheckState(f.State, States); err != nil {
			return nil, "", err
		}
		w.And("state = $%d", string(f.State))
	}
	if f.GrantID != "" {
		w.And("grant_id = $%d", f.GrantID)
	}
	if f.QueryID != "" {
		w.And("query_id = $%d", f.QueryID)
	}
	return plan.Newest(ctx, s.db, `SELECT `+releaseColumns+` FROM workspace_releases WHERE`, w, "id", page, scanRelease,
		func(r Release) string { return r.ID })
}

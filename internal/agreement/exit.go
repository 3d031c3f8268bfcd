package agreement

import (
	"context"
	"fmt"
	"slices"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

// Exit is what an exit hook is told about the agreement that ends.
type Exit struct {
	// ID is the deletion record's.
	ID          string
	AgreementID string
	OperatorID  string
	UnitID      string
	Action      fsm.Action // expire, terminate or revoke
	Reason      Reason
	Datasets    []string
	// Continuing lists the operator's other agreements still signed or in
	// force (a renewal, say). Measures against the whole organization
	// (its keys, its workspace) wait until none is left; measures against
	// this agreement (its grants) are taken at once.
	Continuing []string
	// By is who ended it (the platform for an expiry).
	By access.Principal
	At time.Time
}

// Deleted is one thing an exit stopped or deleted: an API key, a grant, a
// member's sandbox access, a file.
type Deleted struct {
	What   string `json:"what"` // api_key, grant, sandbox_access, file, …
	Ref    string `json:"ref"`  // its ID, or a file's path in the domain
	Name   string `json:"name,omitempty"`
	Bytes  int64  `json:"bytes,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

// Hook is run by every exit inside the transaction that ends the
// agreement, after the agreement has left signed or active and before the
// ledger entry is appended. It stops what depends on the agreement and
// returns what it stopped, which goes into the deletion record and the
// ledger entry. It must not append to the ledger itself (the ledger's
// head is the last lock the transaction takes), and must be idempotent:
// an exit never runs hooks twice, but a failed transaction is retried.
type Hook func(ctx context.Context, tx *store.Tx, e Exit) ([]Deleted, error)

// OnExit registers h; call it while wiring, before serving.
func (s *Service) OnExit(h Hook) {
	s.mu.Lock()
	s.hooks = append(s.hooks, h)
	s.mu.Unlock()
}

// Record is the deletion record of an exit (Art. 24): what was stopped and
// deleted, with content hashes, who did it, when and why. Ledger entries
// are never deleted here.
type Record struct {
	ID          string     `json:"id"`
	AgreementID string     `json:"agreement_id"`
	OperatorID  string     `json:"operator_id"`
	Action      fsm.Action `json:"action"`
	Reason      Reason     `json:"reason"`
	ByID        string     `json:"by_id"`
	ByName      string     `json:"by_name"`
	// State is deleting until every file is gone, then complete.
	State       string     `json:"state"`
	Revoked     []Deleted  `json:"revoked"`
	Files       []Deleted  `json:"files"`
	Continuing  []string   `json:"continuing"`
	StartedAt   time.Time  `json:"started_at"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`
}

const (
	deleting = "deleting"
	complete = "complete"
)

// Terminate ends agreement id early (Art. 27) and performs the exit;
// Revoke revokes it. Both return the deletion record. Asking again for the
// same exit returns the same record, finishing the deletion first if a
// crash interrupted it.
func (s *Service) Terminate(ctx context.Context, p access.Principal, id string, in EndInput) (Record, error) {
	if in.Code == "" {
		in.Code = EarlyTermination
	}
	return s.exit(ctx, p, id, Terminate, Reason{Code: in.Code, Text: in.Reason})
}

// Revoke revokes agreement id with a reason of Art. 27 (or Art. 16) and
// performs the exit; see Terminate.
func (s *Service) Revoke(ctx context.Context, p access.Principal, id string, in EndInput) (Record, error) {
	return s.exit(ctx, p, id, Revoke, Reason{Code: in.Code, Text: in.Reason})
}

// exit ends agreement id by action in one transaction (the state change,
// every hook, the deletion record's intent, the ledger entry), then deletes
// the operator's workspace and completes the record.
func (s *Service) exit(ctx context.Context, p access.Principal, id string, action fsm.Action, reason Reason) (Record, error) {
	rec, err := s.begin(ctx, p, id, action, reason)
	if errs.Is(err, errs.Conflict) {
		// Ended already (by this step, before a crash or by a concurrent
		// request): the same exit asked again returns its record.
		if prev, ok, perr := s.recordOf(ctx, id); perr == nil && ok && prev.Action == action {
			if err := s.mayTake(ctx, p, id, action); err != nil {
				return Record{}, err
			}
			rec, err = prev, nil
		}
	}
	if err != nil {
		return Record{}, err
	}
	return s.complete(ctx, rec)
}

// mayTake checks that p may take action on agreement id, for a repeated exit.
func (s *Service) mayTake(ctx context.Context, p access.Principal, id string, action fsm.Action) error {
	a, err := getAgreement(ctx, s.db, id, "")
	if err != nil {
		return err
	}
	r, err := s.resource(ctx, a)
	if err != nil {
		return err
	}
	for _, t := range Machine.Transitions() {
		if t.Action == action {
			return access.Check(p, t.Who, r)
		}
	}
	return nil
}

// begin takes the transition and records the intent.
func (s *Service) begin(ctx context.Context, p access.Principal, id string, action fsm.Action, reason Reason) (Record, error) {
	var rec Record
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		a, r, err := s.locked(ctx, tx, id)
		if err != nil {
			return err
		}
		now := s.now()
		sub := subject{a: a, now: now, end: &reason}
		if reason.Code == BreachUnrectified {
			sub.rectErr = s.rectification(ctx, a.ID)
		}
		rec = Record{ID: store.NewID(), AgreementID: a.ID, OperatorID: a.OperatorID, Action: action, ByID: p.UserID, ByName: p.Name(),
			State: deleting, Files: []Deleted{}, StartedAt: now}
		detail := map[string]any{"exit_id": rec.ID, "operator_id": a.OperatorID, "code": reason.Code}
		_, err = Machine.Apply(ctx, tx, s.ledger, p, fsm.Step[subject]{
			Object: sub, From: a.State, Action: action, Resource: r, ObjectID: a.ID, Detail: detail,
			Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
				rec.Reason = reason // trimmed by the guard
				if err := s.write(ctx, tx, a, to, now, `, ended_at = $2, end_code = $5, end_reason = $6`, string(reason.Code), reason.Text); err != nil {
					return err
				}
				if err := s.runHooks(ctx, tx, a, &rec, p, now); err != nil {
					return err
				}
				detail["reason"], detail["revoked"], detail["continuing"] = reason.Text, rec.Revoked, rec.Continuing
				return insertExit(ctx, tx, rec)
			},
		})
		return err
	})
	return rec, err
}

// rectification says why a termination for failed rectification is not
// founded, or nil when it is.
func (s *Service) rectification(ctx context.Context, id string) error {
	if s.opts.RectificationFailed == nil {
		return errs.E(errs.Conflict, "code breach_unrectified: no evaluation of rectification is available on this platform")
	}
	failed, err := s.opts.RectificationFailed(ctx, id)
	if err != nil {
		return err
	}
	if !failed {
		return errs.E(errs.Conflict, "code breach_unrectified: agreement %s has no failed or overdue rectification (Art. 24); give another reason", id)
	}
	return nil
}

// runHooks tells every hook, in the order registered, that a ends.
func (s *Service) runHooks(ctx context.Context, tx *store.Tx, a Agreement, rec *Record, p access.Principal, now time.Time) error {
	rec.Continuing = []string{}
	rows, err := tx.Query(ctx, `SELECT id FROM agreements WHERE operator_id = $1 AND id <> $2 AND state IN ($3, $4) ORDER BY id`,
		a.OperatorID, a.ID, string(Signed), string(Active))
	if err != nil {
		return err
	}
	for rows.Next() {
		var other string
		if err := rows.Scan(&other); err != nil {
			rows.Close()
			return err
		}
		rec.Continuing = append(rec.Continuing, other)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	e := Exit{ID: rec.ID, AgreementID: a.ID, OperatorID: a.OperatorID, UnitID: a.UnitID, Action: rec.Action, Reason: rec.Reason,
		Datasets: a.DatasetIDs(), Continuing: slices.Clone(rec.Continuing), By: p, At: now}
	s.mu.RLock()
	hooks := slices.Clone(s.hooks)
	s.mu.RUnlock()
	rec.Revoked = []Deleted{}
	for _, h := range hooks {
		got, err := h(ctx, tx, e)
		if err != nil {
			return fmt.Errorf("agreement: exit of %s: %w", a.ID, err)
		}
		rec.Revoked = append(rec.Revoked, got...)
	}
	return nil
}

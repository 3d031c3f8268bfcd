package agreement

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/domain"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

// complete deletes the operator's workspace (unless another agreement of
// the operator continues) and completes the record. It is safe to run
// again, and in several processes: a lease keeps each exit to one.
func (s *Service) complete(ctx context.Context, rec Record) (Record, error) {
	if rec.State == complete {
		return rec, s.domain.FinishDeletion(rec.ID)
	}
	holder := store.NewID()
	if ok, err := s.lease(ctx, rec.ID, holder); err != nil || !ok {
		if err == nil {
			rec, _, err = s.recordOf(ctx, rec.AgreementID) // another process is on it: report where it stands
		}
		return rec, err
	}
	var files []domain.DeletedFile
	if len(rec.Continuing) == 0 {
		var err error
		if files, err = s.domain.DeleteWorkspace(rec.OperatorID, rec.ID); err != nil {
			return rec, err
		}
	}
	rec.Files = make([]Deleted, len(files))
	for i, f := range files {
		rec.Files[i] = Deleted{What: "file", Ref: "domain/" + f.Path, Bytes: f.Bytes, SHA256: f.SHA256}
	}
	now := s.now()
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		raw, _ := json.Marshal(rec.Files)
		res, err := tx.Exec(ctx, `UPDATE agreement_exits SET state = $1, files = $2, completed_at = $3, lease_holder = '', lease_until = NULL
			WHERE id = $4 AND state = $5 AND lease_holder = $6`, complete, string(raw), now, rec.ID, deleting, holder)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "the exit of agreement %s was completed meanwhile", rec.AgreementID)
		}
		return s.record(ctx, tx, s.system, "agreement.exit_deleted", rec.AgreementID, map[string]any{"exit_id": rec.ID, "files": rec.Files})
	})
	if err != nil {
		return rec, err
	}
	rec.State, rec.CompletedAt = complete, &now
	s.changed()
	return rec, s.domain.FinishDeletion(rec.ID)
}

// leaseFor is how long a process may hold an exit's deletion before
// another may take it over (a crashed process never lets go).
const leaseFor = 5 * time.Minute

func (s *Service) lease(ctx context.Context, id, holder string) (bool, error) {
	var taken bool
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		now := s.now()
		res, err := tx.Exec(ctx, `UPDATE agreement_exits SET lease_holder = $1, lease_until = $2
			WHERE id = $3 AND state = $4 AND (lease_until IS NULL OR lease_until < $5)`, holder, now.Add(leaseFor), id, deleting, now)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		taken = n == 1
		return err
	})
	return taken, err
}

func insertExit(ctx context.Context, tx *store.Tx, rec Record) error {
	revoked, _ := json.Marshal(rec.Revoked)
	continuing, _ := json.Marshal(rec.Continuing)
	_, err := tx.Exec(ctx, `INSERT INTO agreement_exits (id, agreement_id, operator_id, kind, reason_code, reason, by_id, by_name, state,
		revoked, files, continuing, started_at, lease_holder) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '[]', $11, $12, '')`,
		rec.ID, rec.AgreementID, rec.OperatorID, string(rec.Action), string(rec.Reason.Code), rec.Reason.Text, rec.ByID, rec.ByName,
		rec.State, string(revoked), string(continuing), rec.StartedAt)
	if err != nil {
		return fmt.Errorf("agreement: record the exit of %s: %w", rec.AgreementID, err)
	}
	return nil
}

const exitColumns = `id, agreement_id, operator_id, kind, reason_code, reason, by_id, by_name, state, revoked, files, continuing, started_at, completed_at`

// recordOf returns the deletion record of agreement id, if it exited.
func (s *Service) recordOf(ctx context.Context, id string) (Record, bool, error) {
	var (
		rec                       Record
		action, code              string
		revoked, files, continues string
		completed                 *time.Time
	)
	err := s.db.QueryRow(ctx, `SELECT `+exitColumns+` FROM agreement_exits WHERE agreement_id = $1`, id).Scan(&rec.ID, &rec.AgreementID,
		&rec.OperatorID, &action, &code, &rec.Reason.Text, &rec.ByID, &rec.ByName, &rec.State, &revoked, &files, &continues, &rec.StartedAt, &completed)
	if store.IsNoRows(err) {
		return rec, false, nil
	}
	if err != nil {
		return rec, false, err
	}
	rec.Action, rec.Reason.Code, rec.StartedAt = fsm.Action(action), ReasonCode(code), rec.StartedAt.UTC()
	if completed != nil {
		c := completed.UTC()
		rec.CompletedAt = &c
	}
	for _, part := range []struct {
		raw string
		v   any
	}{{revoked, &rec.Revoked}, {files, &rec.Files}, {continues, &rec.Continuing}} {
		if err := json.Unmarshal([]byte(part.raw), part.v); err != nil {
			return rec, false, fmt.Errorf("agreement: exit record of %s: %w", id, err)
		}
	}
	return rec, true, nil
}

// ExitRecord returns the deletion record of agreement id for p, who must
// be able to read the agreement.
func (s *Service) ExitRecord(ctx context.Context, p access.Principal, id string) (Record, error) {
	if _, err := s.Get(ctx, p, id); err != nil {
		return Record{}, err
	}
	rec, ok, err := s.recordOf(ctx, id)
	if err == nil && !ok {
		err = errs.E(errs.NotFound, "agreement %s has not ended: it has no deletion record", id)
	}
	return rec, err
}

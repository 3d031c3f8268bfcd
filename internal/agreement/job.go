package agreement

import (
	"context"
	"fmt"

	"shuyu/internal/access"

	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

// Tick takes the steps the clock has made due, as the platform: it brings
// signed agreements into force on their start date, expires active ones at
// the end of their term (an exit, Art. 27(1)), finishes exits a crash
// interrupted, and forgets the manifests of deletions completed. It returns
// how many agreements it moved. Several processes may run it at once: each
// step locks its agreement and checks its state, and a lease keeps each
// deletion to one process.
func (s *Service) Tick(ctx context.Context) (int, error) {
	now := s.now()
	due, err := s.pairs(ctx, `SELECT id, state FROM agreements WHERE (state = $1 AND starts_at <= $2) OR (state = $3 AND ends_at <= $2) ORDER BY id`,
		string(Signed), now, string(Active))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range due {
		if d[1] == string(Signed) {
			_, err = s.Activate(ctx, s.system, d[0])
		} else {
			_, err = s.Expire(ctx, s.system, d[0])
		}
		switch {
		case err == nil:
			n++
		case !errs.Is(err, errs.Conflict): // a conflict: another process took the step
			return n, fmt.Errorf("agreement: %s %s: %w", map[string]fsm.Action{string(Signed): Activate, string(Active): Expire}[d[1]], d[0], err)
		}
	}
	return n, s.resume(ctx)
}

// resume finishes the deletions of exits a crash interrupted, and forgets
// the manifests of those completed.
func (s *Service) resume(ctx context.Context) error {
	open, err := s.pairs(ctx, `SELECT agreement_id, state FROM agreement_exits WHERE state = $1 ORDER BY id`, deleting)
	if err != nil {
		return err
	}
	for _, o := range open {
		rec, _, err := s.recordOf(ctx, o[0])
		if err == nil {
			_, err = s.complete(ctx, rec)
		}
		if err != nil {
			return err
		}
	}
	pending, err := s.domain.PendingDeletions()
	if err != nil {
		return err
	}
	for _, id := range pending {
		var state string
		err := s.db.QueryRow(ctx, `SELECT state FROM agreement_exits WHERE id = $1`, id).Scan(&state)
		if err == nil && state == complete {
			err = s.domain.FinishDeletion(id)
		}
		if err != nil && !store.IsNoRows(err) {
			return err
		}
	}
	return nil
}

// Activate brings signed agreement id into force on its start date; the
// platform does, through Tick.
func (s *Service) Activate(ctx context.Context, p access.Principal, id string) (Agreement, error) {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		a, err := getAgreement(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		return s.activate(ctx, tx, a, p, s.now())
	})
	if err != nil {
		return Agreement{}, err
	}
	s.changed()
	return s.Get(ctx, p, id)
}

// Expire ends active agreement id at the end of its term (Art. 27(1)) and
// performs the exit; the platform does, through Tick.
func (s *Service) Expire(ctx context.Context, p access.Principal, id string) (Record, error) {
	return s.exit(ctx, p, id, Expire, Reason{Code: TermEnded, Text: "授权运营期限届满（第二十七条第一项）"})
}

// pairs returns the rows of a two-column query.
func (s *Service) pairs(ctx context.Context, query string, args ...any) ([][2]string, error) {
	rows, err := s.db.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("agreement: %w", err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

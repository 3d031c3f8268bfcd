package tender

import (
	"context"
	"fmt"

	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

// Tick takes the steps the clock has made due: it closes published
// announcements past their deadline and concludes publicity that ended
// without an open objection. It returns how many steps it took. Several
// processes may run it at once: each step locks its announcement and checks
// its state, so a step another process took is skipped.
func (s *Service) Tick(ctx context.Context) (int, error) {
	now := s.now()
	type due struct {
		id     string
		action fsm.Action
	}
	var todo []due
	rows, err := s.db.Query(ctx, `SELECT id, state FROM announcements WHERE (state = $1 AND deadline_at < $2) OR (state = $3 AND publicity_until < $2)
		ORDER BY id`, string(Published), now, string(Publicity))
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var id, state string
		if err := rows.Scan(&id, &state); err != nil {
			rows.Close()
			return 0, err
		}
		todo = append(todo, due{id, map[string]fsm.Action{string(Published): Close, string(Publicity): Conclude}[state]})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, d := range todo {
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			a, err := getAnnouncement(ctx, tx, d.id, tx.ForUpdate())
			if err != nil {
				return err
			}
			return s.step(ctx, tx, s.system, a, d.action, &StepInput{})
		})
		switch {
		case err == nil:
			n++
		case errs.Is(err, errs.Conflict):
			// taken meanwhile, or waiting for an objection to be resolved
		default:
			return n, fmt.Errorf("tender: %s announcement %s: %w", d.action, d.id, err)
		}
	}
	if n > 0 {
		s.changed()
	}
	return n, nil
}

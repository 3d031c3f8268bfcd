package tender

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

// States of an objection.
const (
	Open      fsm.State = "open"
	Upheld    fsm.State = "upheld"    // the result goes back to selection
	Dismissed fsm.State = "dismissed" // the result stands
)

// ObjectionStates lists an objection's states.
var ObjectionStates = []fsm.State{Open, Upheld, Dismissed}

// Actions on an objection; each is an API route POST /api/v1/objections/{id}/{action}.
const (
	Uphold  fsm.Action = "uphold"
	Dismiss fsm.Action = "dismiss"
)

// Objection is an objection (异议) to an award under publicity.
type Objection struct {
	ID             string       `json:"id"`
	AnnouncementID string       `json:"announcement_id"`
	State          fsm.State    `json:"state"`
	Text           string       `json:"text"`
	FiledBy        string       `json:"filed_by"`
	FiledByName    string       `json:"filed_by_name"`
	FilerOrgID     string       `json:"filer_org_id"`
	FiledAt        time.Time    `json:"filed_at"`
	Resolution     string       `json:"resolution,omitempty"`
	ResolvedBy     string       `json:"resolved_by,omitempty"`
	ResolvedAt     *time.Time   `json:"resolved_at,omitempty"`
	Actions        []fsm.Action `json:"actions"`
}

type objSubject struct {
	o          Objection
	resolution *string
}

// ObjectionMachine is the lifecycle of an objection: the unit upholds it
// (the award goes back to selection) or dismisses it, saying why.
var ObjectionMachine = fsm.New("objection",
	fsm.Transition[objSubject]{From: []fsm.State{Open}, Action: Uphold, To: Upheld, Who: access.ObjectionResolve, Guard: resolved},
	fsm.Transition[objSubject]{From: []fsm.State{Open}, Action: Dismiss, To: Dismissed, Who: access.ObjectionResolve, Guard: resolved},
)

func resolved(_ context.Context, s objSubject) error {
	return plan.Text("resolution", s.resolution, 4000, "what was found and why; the filer reads it")
}

func objResource(u identity.Organization, o Objection) access.Resource {
	return plan.CaseResource(u, o.FilerOrgID, "", o.FiledBy)
}

// Object files p's objection to the award of announcement id, while its
// publicity runs. Anyone signed in may object: publicity is to society.
func (s *Service) Object(ctx context.Context, p access.Principal, id, text string) (Objection, error) {
	o := Objection{ID: store.NewID(), AnnouncementID: id, State: Open, Text: text, FiledBy: p.UserID, FiledByName: p.Name(), FilerOrgID: p.OrgID}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		a, err := getAnnouncement(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		u, err := s.unitOf(ctx, a)
		if err != nil {
			return err
		}
		if err := access.Check(p, access.ObjectionFile, objResource(u, o)); err != nil {
			return err
		}
		o.FiledAt = s.now()
		if a.State != Publicity || o.FiledAt.After(*a.PublicityUntil) {
			return errs.E(errs.Conflict, "announcement %s is not under publicity (it is %s); objections are filed while the result is publicised", a.ID, a.State)
		}
		if err := plan.Text("text", &o.Text, 4000, "what you object to and why, with the facts"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO objections (id, announcement_id, state, text, filed_by, filed_by_name, filer_org_id, filed_at,
			resolution, resolved_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', '')`,
			o.ID, o.AnnouncementID, string(o.State), o.Text, o.FiledBy, o.FiledByName, o.FilerOrgID, o.FiledAt); err != nil {
			return fmt.Errorf("tender: file objection: %w", err)
		}
		return s.ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: "objection.file", ObjectType: "objection", ObjectID: o.ID,
			Detail: map[string]any{"announcement_id": a.ID, "winner_id": a.WinnerID}})
	})
	if err != nil {
		return Objection{}, err
	}
	s.changed()
	return s.Objection(ctx, p, o.ID)
}

// Resolve upholds or dismisses objection id with the resolution. Upholding
// sends the announcement back to selection in the same transaction.
func (s *Service) Resolve(ctx context.Context, p access.Principal, id string, action fsm.Action, resolution string) (Objection, error) {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		o, err := getObjection(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		// Lock the announcement now: the ledger's head must be the last lock.
		a, err := getAnnouncement(ctx, tx, o.AnnouncementID, tx.ForUpdate())
		if err != nil {
			return err
		}
		u, err := s.unitOf(ctx, a)
		if err != nil {
			return err
		}
		now := s.now()
		_, err = ObjectionMachine.Apply(ctx, tx, s.ledger, p, fsm.Step[objSubject]{
			Object: objSubject{o: o, resolution: &resolution}, From: o.State, Action: action, Resource: objResource(u, o), ObjectID: o.ID,
			Detail: map[string]any{"announcement_id": a.ID, "resolution": resolution},
			Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
				_, err := tx.Exec(ctx, `UPDATE objections SET state = $1, resolution = $2, resolved_by = $3, resolved_at = $4 WHERE id = $5`,
					string(to), resolution, p.Name(), now, o.ID)
				return err
			},
		})
		if err != nil || action != Uphold || a.State != Publicity {
			return err
		}
		return s.step(ctx, tx, p, a, Reopen, &StepInput{Reason: "异议成立：" + resolution})
	})
	if err != nil {
		return Objection{}, err
	}
	s.changed()
	return s.Objection(ctx, p, id)
}

const objectionColumns = `id, announcement_id, state, text, filed_by, filed_by_name, filer_org_id, filed_at, resolution, resolved_by, resolved_at`

func scanObjection(row scanner) (Objection, error) {
	var (
		o        Objection
		state    string
		resolved sql.NullTime
	)
	err := row.Scan(&o.ID, &o.AnnouncementID, &state, &o.Text, &o.FiledBy, &o.FiledByName, &o.FilerOrgID, &o.FiledAt,
		&o.Resolution, &o.ResolvedBy, &resolved)
	o.State, o.FiledAt, o.ResolvedAt = fsm.State(state), o.FiledAt.UTC(), store.TimePtr(resolved)
	return o, err
}

func getObjection(ctx context.Context, q store.Querier, id, lock string) (Objection, error) {
	o, err := scanObjection(q.QueryRow(ctx, `SELECT `+objectionColumns+` FROM objections WHERE id = $1`+lock, id))
	if store.IsNoRows(err) {
		return o, errs.E(errs.NotFound, "no objection %q", id)
	}
	return o, err
}

// Objection returns one objection if p may read it: its filer, the unit
// and those overseeing it.
func (s *Service) Objection(ctx context.Context, p access.Principal, id string) (Objection, error) {
	o, err := getObjection(ctx, s.db, id, "")
	if err != nil {
		return o, err
	}
	return s.showObjection(ctx, p, o)
}

func (s *Service) showObjection(ctx context.Context, p access.Principal, o Objection) (Objection, error) {
	a, err := getAnnouncement(ctx, s.db, o.AnnouncementID, "")
	if err != nil {
		return o, err
	}
	u, err := s.unitOf(ctx, a)
	if err != nil {
		return o, err
	}
	if err := access.Check(p, access.ObjectionRead, objResource(u, o)); err != nil {
		return o, err
	}
	o.Actions = ObjectionMachine.Allowed(p, o.State, objResource(u, o))
	return o, nil
}

// Objections lists the objections to announcement id that p may read,
// once p may read the announcement.
func (s *Service) Objections(ctx context.Context, p access.Principal, id string) ([]Objection, error) {
	if _, err := s.Get(ctx, p, id); err != nil {
		return nil, err
	}
	var all []Objection
	err := each(ctx, s.db, `SELECT `+objectionColumns+` FROM objections WHERE announcement_id = $1 ORDER BY id`, id, func(r scanner) error {
		o, err := scanObjection(r)
		all = append(all, o)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := []Objection{}
	for _, o := range all {
		o, err := s.showObjection(ctx, p, o)
		if errs.Is(err, errs.Forbidden) {
			continue // another's objection
		}
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

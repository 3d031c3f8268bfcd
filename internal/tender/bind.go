package tender

import (
	"context"
	"fmt"

	"shuyu/internal/errs"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

// Result is the outcome of a selection that an agreement is made on.
type Result struct {
	AnnouncementID string
	PlanID         string // the plan version the announcement was made under
	UnitID         string
	ApplicationID  string
	OperatorID     string
	Operator       string
	Datasets       []plan.Dataset // the announcement's scope
	Concluded      bool           // publicity ended without an open objection
}

// Winner returns the result of announcement id once it is awarded (under
// publicity or concluded), so that the agreement can be drafted; signing
// waits for BindAgreement. Nothing is checked about who asks.
func (s *Service) Winner(ctx context.Context, id string) (Result, error) {
	a, err := getAnnouncement(ctx, s.db, id, "")
	if err != nil {
		return Result{}, err
	}
	if a.State != Publicity && a.State != Concluded {
		return Result{}, errs.E(errs.Conflict, "announcement %s is %s: an agreement is drafted once the result is awarded", a.ID, a.State)
	}
	return s.result(ctx, s.db, a)
}

func (s *Service) result(ctx context.Context, q store.Querier, a Announcement) (Result, error) {
	ap, err := getApplication(ctx, q, a.WinnerID, "")
	if err != nil {
		return Result{}, fmt.Errorf("tender: the winner of %s: %w", a.ID, err)
	}
	return Result{AnnouncementID: a.ID, PlanID: a.Plan.ID, UnitID: a.UnitID, ApplicationID: ap.ID, OperatorID: ap.OperatorID,
		Operator: ap.Operator, Datasets: a.Datasets, Concluded: a.State == Concluded}, nil
}

// BindAgreement records, inside the transaction that signs it, that
// agreement agreementID, drafted on application applicationID, is the one
// signed on the result of announcement id (Art. 12(4)): publicity must have
// ended without an open objection, no veto (Art. 16) may have stopped it,
// the award must still be that application's (an upheld objection may have
// moved it), and no other agreement may be bound to it. Binding the same
// agreement again is allowed, so that a signing can be retried.
func (s *Service) BindAgreement(ctx context.Context, tx *store.Tx, id, agreementID, applicationID string) (Result, error) {
	a, err := getAnnouncement(ctx, tx, id, tx.ForUpdate())
	if err != nil {
		return Result{}, err
	}
	switch {
	case a.State == Publicity && a.OpenObjections > 0:
		return Result{}, errs.E(errs.Conflict, "%d objection(s) to the result of announcement %s are open; an agreement is signed once they are resolved and publicity has ended (Art. 12)", a.OpenObjections, a.ID)
	case a.State == Publicity:
		return Result{}, errs.E(errs.Conflict, "the result of announcement %s is under publicity until the end of %s; an agreement is signed after publicity ends without objection (Art. 12)", a.ID, a.PublicityDay)
	case a.State != Concluded:
		return Result{}, errs.E(errs.Conflict, "announcement %s is %s; an agreement is signed only on a concluded selection", a.ID, a.State)
	case a.OpenObjections > 0:
		return Result{}, errs.E(errs.Conflict, "%d objection(s) to the result of announcement %s are open", a.OpenObjections, a.ID)
	case a.WinnerID != applicationID:
		return Result{}, errs.E(errs.Conflict, "the award of announcement %s went to another application since this agreement was drafted; withdraw the draft", a.ID)
	case a.AgreementID != "" && a.AgreementID != agreementID:
		return Result{}, errs.E(errs.Conflict, "agreement %s was signed on the result of announcement %s already", a.AgreementID, a.ID)
	}
	if _, err := tx.Exec(ctx, `UPDATE announcements SET agreement_id = $1 WHERE id = $2`, agreementID, a.ID); err != nil {
		return Result{}, err
	}
	return s.result(ctx, tx, a)
}

package agreement_test

import (
	"context"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/fsm"
	"shuyu/internal/plan/plantest"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestAgreementMachine is generated from agreement.Machine: the bureau's
// officer signs, withdraws, terminates and revokes the bureau's
// agreements; the platform (the administrator's role) activates and
// expires them. An exit asked again returns its record and changes
// nothing.
func TestAgreementMachine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		plantest.CheckMachine(t, e.Ledger, agreement.Machine, plantest.Spec{
			States:     agreement.States,
			Repeatable: []fsm.Action{agreement.Expire, agreement.Terminate, agreement.Revoke},
			MayTake: map[access.Action][]string{access.AgreementWrite: {"bureau"}, access.AgreementTerminate: {"bureau"},
				access.AgreementRevoke: {"bureau"}, access.GovernanceSchedule: {"admin"}},
			In: func(t *testing.T, s fsm.State) string { return e.in(t, s).ID },
			Act: func(t *testing.T, who, id string, a fsm.Action) error {
				p := e.As(t, who)
				got, err := e.ag.Get(ctx, e.As(t, "admin"), id)
				if err != nil {
					t.Fatal(err)
				}
				switch a {
				case agreement.Sign:
					_, err = e.ag.Sign(ctx, p, id, decision(e.day(0)))
				case agreement.Withdraw:
					_, err = e.ag.Withdraw(ctx, p, id)
				case agreement.Activate:
					if e.Clock().Before(got.StartsAt) {
						e.Advance(got.StartsAt.Sub(e.Clock()))
					}
					_, err = e.ag.Activate(ctx, p, id)
				case agreement.Expire:
					if e.Clock().Before(got.EndsAt) {
						e.Advance(got.EndsAt.Sub(e.Clock()) + time.Second)
					}
					_, err = e.ag.Expire(ctx, p, id)
				case agreement.Terminate:
					_, err = e.ag.Terminate(ctx, p, id, agreement.EndInput{Reason: "协商一致"})
				case agreement.Revoke:
					_, err = e.ag.Revoke(ctx, p, id, agreement.EndInput{Code: agreement.Unsuitable, Reason: "不再适宜"})
				}
				return err
			},
			State: func(t *testing.T, id string) fsm.State {
				a, err := e.ag.Lookup(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				return a.State
			},
		})
	}, migrations()...)
}

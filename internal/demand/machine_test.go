package demand_test

import (
	"context"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/demand"
	"shuyu/internal/fsm"
	"shuyu/internal/plan/plantest"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestDemandMachine is generated from demand.Machine, on demands over
// people (reviewed by the bureau and 市人社局): the operator's staff
// resubmit and withdraw; the bureau's reviewer and 市人社局's commissioner
// approve, reject and return; the last approval concludes (tested with
// approve). Everyone else is refused: other providers, the county's
// bureau, the regulators, the administrator.
func TestDemandMachine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		plantest.CheckMachine(t, e.Ledger, demand.Machine, plantest.Spec{
			States: demand.States,
			Skip:   []fsm.Action{demand.Conclude},
			MayTake: map[access.Action][]string{access.DemandReview: {"bureau", "provider-hrss"},
				access.DemandFile: {"operator", "analyst", "analyst2"}},
			In: func(t *testing.T, s fsm.State) string {
				a := e.file(t, e.people())
				switch s {
				case demand.Returned:
					e.decide(t, "provider-hrss", a.ID, demand.Return)
				case demand.Rejected:
					e.decide(t, "bureau", a.ID, demand.Reject)
				case demand.Approved:
					return e.approved(t, e.people()).ID
				case demand.Withdrawn:
					if _, err := e.svc.Withdraw(ctx, e.As(t, "analyst"), a.ID); err != nil {
						t.Fatal(err)
					}
				}
				return a.ID
			},
			Act: func(t *testing.T, who, id string, a fsm.Action) error {
				p := e.As(t, who)
				var err error
				switch a {
				case demand.Resubmit:
					_, err = e.svc.Resubmit(ctx, p, id, e.people())
				case demand.Withdraw:
					_, err = e.svc.Withdraw(ctx, p, id)
				default:
					_, err = e.svc.Decide(ctx, p, id, a, "矩阵测试")
				}
				return err
			},
			State: func(t *testing.T, id string) fsm.State {
				a, err := e.svc.Get(ctx, admin, id)
				if err != nil {
					t.Fatal(err)
				}
				return a.State
			},
		})
	}, migrations()...)
}

// TestGrantMachine is generated from demand.GrantMachine: the bureau's
// officers and reviewers revoke; the platform expires a grant whose period
// is over.
func TestGrantMachine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		plantest.CheckMachine(t, e.Ledger, demand.GrantMachine, plantest.Spec{
			States:  demand.GrantStates,
			MayTake: map[access.Action][]string{access.GrantRevoke: {"bureau"}, access.GovernanceSchedule: {"admin"}},
			In: func(t *testing.T, s fsm.State) string {
				in := e.people()
				in.EndsOn = e.day(0)
				id := e.approved(t, in).GrantID
				switch s {
				case demand.GrantRevoked:
					if _, err := e.svc.RevokeGrant(ctx, e.As(t, "bureau"), id, "违规使用"); err != nil {
						t.Fatal(err)
					}
				case demand.GrantEnded:
					return "" // reached by expiry, which moves the clock for every grant
				}
				return id
			},
			Act: func(t *testing.T, who, id string, a fsm.Action) error {
				p := e.As(t, who)
				if a == demand.Revoke {
					_, err := e.svc.RevokeGrant(ctx, p, id, "违规使用")
					return err
				}
				g, err := e.svc.GetGrant(ctx, admin, id)
				if err != nil {
					t.Fatal(err)
				}
				if e.Clock().Before(g.ExpiresAt) {
					e.Advance(g.ExpiresAt.Sub(e.Clock()) + time.Second)
				}
				return e.svc.ExpireGrant(ctx, p, id)
			},
			State: func(t *testing.T, id string) fsm.State {
				g, err := e.svc.GetGrant(ctx, admin, id)
				if err != nil {
					t.Fatal(err)
				}
				return fsm.State(g.State)
			},
		})
	}, migrations()...)
}

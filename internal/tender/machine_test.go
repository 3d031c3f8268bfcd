package tender_test

import (
	"context"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/fsm"
	"shuyu/internal/plan/plantest"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
	"shuyu/internal/tender"
	"shuyu/internal/tender/tendertest"
)

// TestAnnouncementMachine is generated from tender.Machine: the bureau's
// officer takes the people's steps on the bureau's announcements, the
// platform (the administrator's role) those the clock triggers.
func TestAnnouncementMachine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := tendertest.New(t, db)
		ctx := context.Background()
		winners := map[string]string{}
		plantest.CheckMachine(t, e.Ledger, tender.Machine, plantest.Spec{
			States: tender.States,
			MayTake: map[access.Action][]string{access.AnnouncementWrite: {"bureau"}, access.AnnouncementVeto: {"bureau"},
				access.GovernanceSchedule: {"admin"}},
			In: func(t *testing.T, s fsm.State) string {
				sel := e.AnnouncementIn(t, s)
				winners[sel.Announcement.ID] = sel.Application.ID
				return sel.Announcement.ID
			},
			Act: func(t *testing.T, who, id string, a fsm.Action) error {
				in := tender.StepInput{Reason: "依规处理"}
				got, err := e.Tender.Get(ctx, e.As(t, "admin"), id)
				if err != nil {
					t.Fatal(err)
				}
				switch a {
				case tender.Close:
					e.Advance(got.DeadlineAt.Sub(e.Clock()) + time.Minute)
				case tender.Conclude:
					if got.PublicityUntil != nil {
						e.Advance(got.PublicityUntil.Sub(e.Clock()) + time.Minute)
					}
				case tender.Award:
					if winner := winners[id]; winner != "" && got.State == tender.Selection {
						if ap, _ := e.Tender.Application(ctx, e.As(t, "admin"), winner); ap.State == tender.Submitted {
							e.Qualify(t, winner)
						}
						in.ApplicationID = winner
					}
				}
				_, err = e.Tender.Act(ctx, e.As(t, who), id, a, in)
				return err
			},
			State: func(t *testing.T, id string) fsm.State {
				a, err := e.Tender.Get(ctx, e.As(t, "admin"), id)
				if err != nil {
					t.Fatal(err)
				}
				return a.State
			},
		})
	}, tendertest.Migrations()...)
}

// TestApplicationMachine is generated from tender.ApplicationMachine: the
// bureau's officer checks eligibility during selection.
func TestApplicationMachine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := tendertest.New(t, db)
		ctx := context.Background()
		bureau := e.As(t, "bureau")
		fail := tendertest.AllPass()
		fail[3] = tender.CheckInput{Item: 4, Note: "近三年发生过数据安全事件"}
		plantest.CheckMachine(t, e.Ledger, tender.ApplicationMachine, plantest.Spec{
			States:  tender.ApplicationStates,
			MayTake: map[access.Action][]string{access.ApplicationCheck: {"bureau"}},
			In: func(t *testing.T, s fsm.State) string {
				ap := e.AnnouncementIn(t, tender.Selection).Application
				var err error
				switch s {
				case tender.Eligible:
					_, err = e.Tender.CheckEligibility(ctx, bureau, ap.ID, tendertest.AllPass())
				case tender.Ineligible:
					_, err = e.Tender.CheckEligibility(ctx, bureau, ap.ID, fail)
				}
				if err != nil {
					t.Fatal(err)
				}
				return ap.ID
			},
			Act: func(t *testing.T, who, id string, a fsm.Action) error {
				var err error
				switch a {
				case tender.Qualify:
					_, err = e.Tender.CheckEligibility(ctx, e.As(t, who), id, tendertest.AllPass())
				case tender.Disqualify:
					_, err = e.Tender.CheckEligibility(ctx, e.As(t, who), id, fail)
				case tender.Recheck:
					_, err = e.Tender.Recheck(ctx, e.As(t, who), id, "补充材料后重新审查")
				}
				return err
			},
			State: func(t *testing.T, id string) fsm.State {
				ap, err := e.Tender.Application(ctx, e.As(t, "admin"), id)
				if err != nil {
					t.Fatal(err)
				}
				return ap.State
			},
		})
	}, tendertest.Migrations()...)
}

// TestObjectionMachine is generated from tender.ObjectionMachine: the
// bureau's officer resolves objections to its awards.
func TestObjectionMachine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := tendertest.New(t, db)
		ctx := context.Background()
		plantest.CheckMachine(t, e.Ledger, tender.ObjectionMachine, plantest.Spec{
			States:  tender.ObjectionStates,
			MayTake: map[access.Action][]string{access.ObjectionResolve: {"bureau"}},
			In: func(t *testing.T, s fsm.State) string {
				a := e.AnnouncementIn(t, tender.Publicity).Announcement
				o, err := e.Tender.Object(ctx, e.As(t, "operator"), a.ID, "中选单位不具备相应的技术能力")
				if err != nil {
					t.Fatal(err)
				}
				if s != tender.Open {
					if _, err := e.Tender.Resolve(ctx, e.As(t, "bureau"), o.ID, map[fsm.State]fsm.Action{tender.Upheld: tender.Uphold,
						tender.Dismissed: tender.Dismiss}[s], "经核查"); err != nil {
						t.Fatal(err)
					}
				}
				return o.ID
			},
			Act: func(t *testing.T, who, id string, a fsm.Action) error {
				_, err := e.Tender.Resolve(ctx, e.As(t, who), id, a, "经核查，情况属实")
				return err
			},
			State: func(t *testing.T, id string) fsm.State {
				o, err := e.Tender.Objection(ctx, e.As(t, "admin"), id)
				if err != nil {
					t.Fatal(err)
				}
				return o.State
			},
		})
	}, tendertest.Migrations()...)
}

package quality_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/catalog"
	"shuyu/internal/demo"
	"shuyu/internal/demo/demotest"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/quality"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// filer files every ticket of these tests, against an entry of 市人社局.
const filer = "operator"

// mayTake says, independently of the policy table, which demo accounts may
// take the steps guarded by each action on a ticket the operator filed
// against 市人社局's entry: the provider's commissioner answers, the filer
// decides, the filer or the city's implementing unit closes.
var mayTake = map[access.Action][]string{
	access.TicketAnswer: {"provider-hrss"},
	access.TicketAccept: {filer},
	access.TicketReject: {filer},
	access.TicketClose:  {filer, "bureau"},
}

func fileTicket(t *testing.T, e *env, dataset string) quality.Ticket {
	t.Helper()
	tk, err := e.q.File(context.Background(), e.As(t, filer), dataset, quality.TicketInput{Kind: quality.Correction, Field: "id",
		Title: "身份证号校验位错误", Description: "第30行的身份证号校验位不正确"})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// pathTo returns the transitions that lead from open to state, found in
// the table itself (breadth first).
func pathTo(state quality.State) []quality.Transition {
	paths := map[quality.State][]quality.Transition{quality.Open: nil}
	queue := []quality.State{quality.Open}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, tr := range quality.Transitions {
			if _, seen := paths[tr.To]; tr.From == s && !seen {
				paths[tr.To] = append(slices.Clone(paths[s]), tr)
				queue = append(queue, tr.To)
			}
		}
	}
	return paths[state]
}

// ticketIn files a ticket and brings it to state by legal steps.
func ticketIn(t *testing.T, e *env, dataset string, state quality.State) quality.Ticket {
	t.Helper()
	tk := fileTicket(t, e, dataset)
	for _, tr := range pathTo(state) {
		var err error
		if tk, err = e.q.Act(context.Background(), e.As(t, mayTake[tr.Who][0]), tk.ID, tr.Step, quality.StepInput{Comment: "依规处理"}); err != nil {
			t.Fatalf("bringing a ticket to %s: %s: %v", state, tr.Step, err)
		}
	}
	if tk.State != state {
		t.Fatalf("ticket in %s, want %s", tk.State, state)
	}
	return tk
}

// TestTicketMachine is generated from quality.Transitions: every legal
// transition succeeds for each account allowed to take it and is refused
// (forbidden) to every other demo account; every step from a state with no
// such transition is refused as a conflict and changes nothing; guards
// refuse what they must; each step leaves a ledger entry.
func TestTicketMachine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		e.entry(t, "provider-hrss", "people", catalog.Monthly, "id", field("id", catalog.Text, "personal.identity"))
		for _, tr := range quality.Transitions {
			for _, a := range demo.Accounts {
				name := fmt.Sprintf("%s→%s by %s", tr.From, tr.To, a.Username)
				tk := ticketIn(t, e, "people", tr.From)
				got, err := e.q.Act(ctx, e.As(t, a.Username), tk.ID, tr.Step, quality.StepInput{Comment: "意见"})
				if slices.Contains(mayTake[tr.Who], a.Username) {
					if err != nil || got.State != tr.To {
						t.Errorf("%s: %v (state %s); want it done", name, err, got.State)
					}
					entries, _ := e.Ledger.Entries(ctx, ledger.Filter{ObjectType: "ticket", ObjectID: tk.ID, Limit: 1})
					if len(entries) == 0 || entries[0].Action != "ticket."+string(tr.Step) {
						t.Errorf("%s: the newest ledger entry of the ticket is %+v", name, entries)
					}
				} else if !errs.Is(err, errs.Forbidden) {
					t.Errorf("%s: %v; want forbidden", name, err)
				}
			}
		}
		for _, step := range quality.Steps {
			for _, s := range quality.States {
				var legal bool
				var who access.Action
				for _, tr := range quality.Transitions {
					if tr.Step == step {
						who = tr.Who
						legal = legal || tr.From == s
					}
				}
				if legal {
					continue
				}
				tk := ticketIn(t, e, "people", s)
				_, err := e.q.Act(ctx, e.As(t, mayTake[who][0]), tk.ID, step, quality.StepInput{Comment: "意见"})
				after, _ := e.q.Ticket(ctx, e.As(t, "admin"), tk.ID)
				if !errs.Is(err, errs.Conflict) || after.State != s {
					t.Errorf("%s a ticket that is %s: %v, state now %s; want a conflict and no change", step, s, err, after.State)
				}
			}
		}
		open := fileTicket(t, e, "people")
		if _, err := e.q.Act(ctx, e.As(t, "provider-hrss"), open.ID, quality.Answer, quality.StepInput{Comment: "  "}); !errs.Is(err, errs.Invalid) {
			t.Errorf("an answer without text: %v, want invalid", err)
		}
		// The inbox is told of each filing and step, never of a refusal.
		told := e.changes.Load()
		if _, err := e.q.Act(ctx, e.As(t, "provider-hrss"), open.ID, quality.Answer, quality.StepInput{Comment: "  "}); err == nil {
			t.Fatal("an answer without text was taken")
		}
		if _, err := e.q.Act(ctx, e.As(t, "provider-hrss"), fileTicket(t, e, "people").ID, quality.Answer, quality.StepInput{Comment: "已更正"}); err != nil {
			t.Fatal(err)
		}
		if n := e.changes.Load() - told; n != 2 {
			t.Errorf("the inbox was told of %d changes, want 2", n)
		}
		answered := ticketIn(t, e, "people", quality.Answered)
		if _, err := e.q.Act(ctx, e.As(t, filer), answered.ID, quality.Reject, quality.StepInput{}); !errs.Is(err, errs.Invalid) {
			t.Errorf("a rejection without a reason: %v, want invalid", err)
		}
		if _, err := e.q.Act(ctx, e.As(t, filer), answered.ID, "reopen", quality.StepInput{}); !errs.Is(err, errs.Invalid) {
			t.Errorf("an unknown step: %v, want invalid", err)
		}
		// What a caller may do next is offered with the ticket.
		for who, want := range map[string][]quality.Step{filer: {quality.Accept, quality.Reject, quality.Close}, "bureau": {quality.Close},
			"provider-hrss": {}, "regulator": {}} {
			got, err := e.q.Ticket(ctx, e.As(t, who), answered.ID)
			if err != nil || !slices.Equal(got.Steps, want) {
				t.Errorf("steps offered to %s: %v %v, want %v", who, got.Steps, err, want)
			}
		}
	}, migrations()...)
}

// TestTicketReach: whoever reaches an entry may file against it; a ticket
// is seen by its filer, the provider and those overseeing the provider.
func TestTicketReach(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		e.entry(t, "provider-hrss", "people", catalog.Monthly, "id", field("id", catalog.Text, "personal.identity"))
		in := quality.TicketInput{Kind: quality.Objection, Title: "异议", Description: "数据与实际不符"}
		for _, who := range []string{"kuiwen", "appunit"} {
			if _, err := e.q.File(ctx, e.As(t, who), "people", in); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s filing against a city entry: %v, want forbidden", who, err)
			}
		}
		for _, bad := range []quality.TicketInput{{Kind: "complaint", Title: "x", Description: "y"}, {Kind: quality.Objection, Description: "y"},
			{Kind: quality.Objection, Title: "x", Description: "y", Field: "nope"}, {Kind: quality.Objection, Title: "x", Description: "y", VersionID: "nope"}} {
			if _, err := e.q.File(ctx, e.As(t, "analyst"), "people", bad); !errs.Is(err, errs.Invalid) {
				t.Errorf("filing %+v: %v, want invalid", bad, err)
			}
		}
		tk, err := e.q.File(ctx, e.As(t, "analyst"), "people", in)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range demo.Accounts {
			_, err := e.q.Ticket(ctx, e.As(t, a.Username), tk.ID)
			may := slices.Contains([]string{"admin", "bureau", "regulator", "finance", "provider-hrss", "analyst"}, a.Username)
			if may != (err == nil) {
				t.Errorf("%s reading the ticket: %v", a.Username, err)
			}
			list, _, err := e.q.Tickets(ctx, e.As(t, a.Username), quality.TicketFilter{}, store.NewPage(10, ""))
			if err != nil || may != (len(list) == 1) {
				t.Errorf("%s listing tickets: %d, %v", a.Username, len(list), err)
			}
		}
	}, migrations()...)
}

// TestOverdueAcrossHoliday counts the deadline with the holiday calendar
// and flags the ticket once the clock passes it.
func TestOverdueAcrossHoliday(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		e.entry(t, "provider-hrss", "people", catalog.Monthly, "id", field("id", catalog.Text, "personal.identity"))
		// Filed on Tuesday 2026-09-29. Five working days after it, the day
		// itself not counted: Wed 09-30 (1); 10-01 to 10-07 are 国庆节
		// holidays; Thu 10-08 (2), Fri 10-09 (3), Saturday 10-10 is the
		// make-up working day (4), Sunday 10-11 is off, Mon 10-12 (5).
		e.At("2026-09-29 10:00:00")
		tk := fileTicket(t, e, "people")
		midnight := demotest.Shanghai("2026-10-13 00:00:00")
		if tk.DueDay != "2026-10-12" || tk.DueEstimated || !tk.DueAt.Before(midnight) || tk.DueAt.Before(midnight.Add(-time.Second)) {
			t.Fatalf("due %s at %s (estimated %v), want 2026-10-12, end of day", tk.DueDay, tk.DueAt, tk.DueEstimated)
		}
		hrss := e.As(t, "provider-hrss")
		overdue := func() []quality.Ticket {
			list, _, err := e.q.Tickets(ctx, hrss, quality.TicketFilter{Overdue: true}, store.NewPage(10, ""))
			if err != nil {
				t.Fatal(err)
			}
			return list
		}
		e.At("2026-10-12 23:30:00")
		if got, _ := e.q.Ticket(ctx, hrss, tk.ID); got.Overdue || len(overdue()) != 0 {
			t.Errorf("late on the last working day: overdue %v", got.Overdue)
		}
		e.At("2026-10-13 00:00:01")
		if got, _ := e.q.Ticket(ctx, hrss, tk.ID); !got.Overdue || len(overdue()) != 1 {
			t.Errorf("the day after the deadline: overdue %v", got.Overdue)
		}
		r, err := e.q.Report(ctx, hrss, "people", "")
		if err != nil || r.Tickets != (quality.TicketCounts{Open: 1, Overdue: 1}) {
			t.Errorf("report tickets %+v %v", r.Tickets, err)
		}
		got, err := e.q.Act(ctx, hrss, tk.ID, quality.Answer, quality.StepInput{Comment: "已更正"})
		if err != nil || got.Overdue || !got.AnsweredLate {
			t.Errorf("answered late: %+v %v", got, err)
		}
	}, migrations()...)
}

// TestTransitionTable checks the table's shape: known states and steps,
// one access action per step (its API route needs exactly one), every
// state but closed has a way on, closed has none, and every state is
// reachable from open.
func TestTransitionTable(t *testing.T) {
	t.Parallel()
	who := map[quality.Step]access.Action{}
	out := map[quality.State]int{}
	for _, tr := range quality.Transitions {
		if !slices.Contains(quality.States, tr.From) || !slices.Contains(quality.States, tr.To) || !slices.Contains(quality.Steps, tr.Step) {
			t.Errorf("%+v names an unknown state or step", tr)
		}
		if w, ok := who[tr.Step]; ok && w != tr.Who {
			t.Errorf("step %s needs %s in one row and %s in another", tr.Step, w, tr.Who)
		}
		who[tr.Step] = tr.Who
		if !access.Known(tr.Who) {
			t.Errorf("step %s needs %s, which the policy does not know", tr.Step, tr.Who)
		}
		out[tr.From]++
	}
	for _, s := range quality.States {
		if (out[s] == 0) != (s == quality.Closed) {
			t.Errorf("state %s has %d ways on", s, out[s])
		}
		if s != quality.Open && len(pathTo(s)) == 0 {
			t.Errorf("state %s cannot be reached from open", s)
		}
	}
	for _, step := range quality.Steps {
		if quality.StepAction(step) != who[step] || who[step] == "" {
			t.Errorf("step %s: StepAction %s, table %s", step, quality.StepAction(step), who[step])
		}
	}
}

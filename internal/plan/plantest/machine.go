package plantest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/demo"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/ledger"
)

// Spec describes how to test a lifecycle with CheckMachine.
type Spec struct {
	States []fsm.State
	// Skip are actions the platform takes as part of another (tested with
	// that one).
	Skip []fsm.Action
	// Repeatable are actions that, taken again on an object they brought
	// where it is, change nothing and succeed (an exit returns its record).
	Repeatable []fsm.Action
	// MayTake says, independently of the policy table, which demo accounts
	// may take the transitions guarded by each action on the objects In
	// makes.
	MayTake map[access.Action][]string
	// In makes an object in state by legal steps and returns its ID; "" when
	// the test cannot reach that state this way (its rows are skipped).
	In func(t *testing.T, state fsm.State) string
	// Act takes action on object id as the demo account who.
	Act func(t *testing.T, who, id string, a fsm.Action) error
	// State reads an object's state.
	State func(t *testing.T, id string) fsm.State
}

// CheckMachine is the test generated from a machine's table: every legal
// transition succeeds for each account allowed to take it, lands in its
// state and leaves its ledger entry (kind.action on the object); every other
// demo account is refused as forbidden and changes nothing; every action
// from a state with no such transition is refused as a conflict and changes
// nothing (but a repeatable one from the state it leads to succeeds).
func CheckMachine[T any](t *testing.T, l *ledger.Ledger, mach *fsm.Machine[T], m Spec) {
	t.Helper()
	ctx := context.Background()
	for _, tr := range mach.Transitions() {
		if slices.Contains(m.Skip, tr.Action) {
			continue
		}
		allowed := m.MayTake[tr.Who]
		if len(allowed) == 0 {
			t.Fatalf("MayTake names nobody for %s", tr.Who)
		}
		for _, from := range tr.From {
			id := m.In(t, from)
			if id == "" {
				continue
			}
			for _, a := range demo.Accounts {
				if slices.Contains(allowed, a.Username) {
					continue
				}
				err := m.Act(t, a.Username, id, tr.Action)
				if !errs.Is(err, errs.Forbidden) || m.State(t, id) != from {
					t.Errorf("%s %s from %s by %s: %v; want forbidden and no change", mach.Kind, tr.Action, from, a.Username, err)
				}
			}
			for i, who := range allowed {
				if i > 0 {
					id = m.In(t, from)
				}
				name := fmt.Sprintf("%s %s from %s by %s", mach.Kind, tr.Action, from, who)
				if err := m.Act(t, who, id, tr.Action); err != nil {
					t.Errorf("%s: %v; want it done", name, err)
					continue
				}
				if got := m.State(t, id); got != tr.To {
					t.Errorf("%s: state %s, want %s", name, got, tr.To)
				}
				entries, err := l.Entries(ctx, ledger.Filter{ObjectType: mach.Kind, ObjectID: id, ActionPrefix: mach.Kind + "." + string(tr.Action)})
				if err != nil || !slices.ContainsFunc(entries, func(e ledger.Entry) bool { return e.Action == mach.Kind+"."+string(tr.Action) }) {
					t.Errorf("%s: no ledger entry %s.%s on the object (%v)", name, mach.Kind, tr.Action, err)
				}
			}
		}
	}
	for _, a := range actions(mach) {
		if slices.Contains(m.Skip, a) {
			continue
		}
		var legal, reached []fsm.State
		var who access.Action
		for _, tr := range mach.Transitions() {
			if tr.Action == a {
				legal, reached, who = append(legal, tr.From...), append(reached, tr.To), tr.Who
			}
		}
		for _, s := range m.States {
			if slices.Contains(legal, s) {
				continue
			}
			id := m.In(t, s)
			if id == "" {
				continue
			}
			err := m.Act(t, m.MayTake[who][0], id, a)
			if slices.Contains(m.Repeatable, a) && slices.Contains(reached, s) {
				if err != nil || m.State(t, id) != s {
					t.Errorf("%s %s again: %v, now %s; want it done already, with no change", mach.Kind, a, err, m.State(t, id))
				}
				continue
			}
			if !errs.Is(err, errs.Conflict) || m.State(t, id) != s {
				t.Errorf("%s %s from %s: %v, now %s; want a conflict and no change", mach.Kind, a, s, err, m.State(t, id))
			}
		}
	}
}

func actions[T any](m *fsm.Machine[T]) []fsm.Action {
	var out []fsm.Action
	for _, tr := range m.Transitions() {
		if !slices.Contains(out, tr.Action) {
			out = append(out, tr.Action)
		}
	}
	return out
}

// Package fsm runs the lifecycles of shuyu's objects (plans, agreements,
// tickets, demands, products) as explicit state machines: a table of
// transitions (from, action, to, who, guard) per kind of object, and one
// function that applies a transition, checks who may take it, writes the
// change and its ledger entry in one transaction, and refuses anything
// illegal with an error that says what is possible instead. Tests are
// generated from the same tables (see Machine.Transitions).
//
// It owns no table: each feature package stores its objects and passes a
// function that writes the new state.
package fsm

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// State is where an object is in its lifecycle.
type State string

// Action is what moves an object from one state to another.
type Action string

// Transition is one row of a machine's table.
type Transition[T any] struct {
	From   []State
	Action Action
	To     State
	// Who is the permission the actor needs on the object (access decides).
	Who access.Action
	// Guard, when set, states a business rule the object must meet; its
	// error says what is missing.
	Guard func(ctx context.Context, obj T) error
}

// Machine is the lifecycle of one kind of object.
type Machine[T any] struct {
	// Kind names the objects, e.g. "ticket"; ledger actions are Kind.Action.
	Kind  string
	table []Transition[T]
}

// New builds a machine from its table. A table where one action leads from
// one state to two places is a programming error and panics at start.
func New[T any](kind string, table ...Transition[T]) *Machine[T] {
	seen := map[string]bool{}
	for _, t := range table {
		for _, f := range t.From {
			key := string(f) + "\x00" + string(t.Action)
			if seen[key] {
				panic(fmt.Sprintf("fsm %s: %s from %s twice", kind, t.Action, f))
			}
			seen[key] = true
		}
	}
	return &Machine[T]{Kind: kind, table: table}
}

// Transitions returns the table, for tests and documentation.
func (m *Machine[T]) Transitions() []Transition[T] { return slices.Clone(m.table) }

// Actions lists what can be done from state.
func (m *Machine[T]) Actions(from State) []Action {
	var out []Action
	for _, t := range m.table {
		if slices.Contains(t.From, from) {
			out = append(out, t.Action)
		}
	}
	return out
}

// Allowed lists the actions from state that p may take on r now, guards
// aside, leaving out those the platform takes itself (hidden): what a
// reader of the object is offered. It is never nil, so that JSON shows [].
func (m *Machine[T]) Allowed(p access.Principal, from State, r access.Resource, hidden ...Action) []Action {
	out := []Action{}
	for _, t := range m.table {
		if slices.Contains(t.From, from) && !slices.Contains(hidden, t.Action) && !slices.Contains(out, t.Action) &&
			access.Check(p, t.Who, r) == nil {
			out = append(out, t.Action)
		}
	}
	return out
}

// find returns the transition for action from state, or a conflict error
// that names the actions possible from there.
func (m *Machine[T]) find(from State, a Action) (Transition[T], error) {
	known := false
	for _, t := range m.table {
		if t.Action != a {
			continue
		}
		known = true
		if slices.Contains(t.From, from) {
			return t, nil
		}
	}
	if !known {
		return Transition[T]{}, errs.E(errs.Invalid, "%s: there is no action %q (actions: %s)", m.Kind, a, m.allActions())
	}
	possible := m.Actions(from)
	if len(possible) == 0 {
		return Transition[T]{}, errs.E(errs.Conflict, "%s is %s, a final state: nothing more can be done", m.Kind, from)
	}
	return Transition[T]{}, errs.E(errs.Conflict, "%s is %s: %s is not possible now (possible: %s)", m.Kind, from, a, join(possible))
}

// mayEver returns nil if p may take action a from some state of r, and
// otherwise the refusal of the first row with that action. An unknown action
// is left to find, which names the known ones.
func (m *Machine[T]) mayEver(p access.Principal, a Action, r access.Resource) error {
	var first error
	for _, t := range m.table {
		if t.Action != a {
			continue
		}
		err := access.Check(p, t.Who, r)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

func (m *Machine[T]) allActions() string {
	var out []Action
	for _, t := range m.table {
		if !slices.Contains(out, t.Action) {
			out = append(out, t.Action)
		}
	}
	return join(out)
}

func join(as []Action) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}

// Step is one transition to apply.
type Step[T any] struct {
	Object   T
	From     State
	Action   Action
	Resource access.Resource // the object, for the access check
	ObjectID string
	// Write stores the new state (and whatever else changes) inside tx.
	Write func(ctx context.Context, tx *store.Tx, to State) error
	// Detail goes into the ledger entry with from, to and action.
	Detail map[string]any
}

// Apply takes a step inside tx: it finds the transition, checks who may take
// it and its guard, writes, and appends the ledger entry. It returns the new
// state. Nothing is written when it refuses.
func (m *Machine[T]) Apply(ctx context.Context, tx *store.Tx, l *ledger.Ledger, p access.Principal, s Step[T]) (State, error) {
	// Who comes before state: whoever may never take this action on this
	// object is refused the same way in every state, learning nothing of it.
	if err := m.mayEver(p, s.Action, s.Resource); err != nil {
		return s.From, err
	}
	t, err := m.find(s.From, s.Action)
	if err != nil {
		return s.From, err
	}
	if err := access.Check(p, t.Who, s.Resource); err != nil {
		return s.From, err
	}
	if t.Guard != nil {
		if err := t.Guard(ctx, s.Object); err != nil {
			return s.From, err
		}
	}
	if err := s.Write(ctx, tx, t.To); err != nil {
		return s.From, err
	}
	detail := map[string]any{"from": s.From, "to": t.To}
	for k, v := range s.Detail {
		detail[k] = v
	}
	err = l.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: m.Kind + "." + string(s.Action),
		ObjectType: m.Kind, ObjectID: s.ObjectID, Detail: detail})
	return t.To, err
}

// CheckState refuses a state filter that names no state of states, saying
// which there are: a misspelt filter must not pass for an empty list. The
// empty state (no filter) is accepted. It takes any string-like state, as
// some packages (quality) name their states with a type of their own.
func CheckState[S ~string](s S, states []S) error {
	if s == "" || slices.Contains(states, s) {
		return nil
	}
	return errs.E(errs.Invalid, "state: %q is not one of %v", s, states)
}

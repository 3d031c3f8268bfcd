package fsm

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

type door struct{ locked bool }

var errLocked = errs.E(errs.Conflict, "the door is locked")

var doors = New("door",
	Transition[door]{From: []State{"closed"}, Action: "open", To: "open", Who: access.LedgerRead,
		Guard: func(_ context.Context, d door) error {
			if d.locked {
				return errLocked
			}
			return nil
		}},
	Transition[door]{From: []State{"open"}, Action: "close", To: "closed", Who: access.LedgerRead},
	Transition[door]{From: []State{"open", "closed"}, Action: "brick", To: "bricked", Who: access.JurisdictionCreate},
)

// TestMachineFromItsTable walks every row of the table, each illegal
// action from each state, a refused actor and a failed guard.
func TestMachineFromItsTable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t, store.SQLite, ledger.Migrations)
	key, _, _ := ledger.LoadOrCreateKey(filepath.Join(t.TempDir(), "k.pem"), ledger.SuiteEd25519)
	l, err := ledger.New(db, key, "test", ledger.MinRetention)
	if err != nil {
		t.Fatal(err)
	}
	user := access.Principal{UserID: "u", OrgID: "o", Roles: []access.Role{access.RoleOrgAdmin}}
	admin := access.System("test")
	apply := func(p access.Principal, d door, from State, a Action) (State, error) {
		var to State
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			to, err = doors.Apply(ctx, tx, l, p, Step[door]{Object: d, From: from, Action: a, ObjectID: "d1",
				Resource: access.Resource{UserID: "u", OrgID: "o"},
				Write:    func(context.Context, *store.Tx, State) error { return nil }})
			return err
		})
		return to, err
	}
	states := []State{"open", "closed", "bricked"}
	for _, tr := range doors.Transitions() {
		for _, from := range tr.From {
			if to, err := apply(admin, door{}, from, tr.Action); err != nil || to != tr.To {
				t.Errorf("%s from %s: %s %v, want %s", tr.Action, from, to, err, tr.To)
			}
		}
		for _, from := range states {
			if !containsState(tr.From, from) {
				if _, err := apply(admin, door{}, from, tr.Action); !errs.Is(err, errs.Conflict) {
					t.Errorf("%s from %s: %v, want a conflict", tr.Action, from, err)
				}
			}
		}
	}
	for _, from := range states { // the same refusal in every state
		if _, err := apply(user, door{}, from, "brick"); !errs.Is(err, errs.Forbidden) {
			t.Errorf("bricking from %s without the right: %v, want forbidden", from, err)
		}
	}
	if _, err := apply(admin, door{locked: true}, "closed", "open"); !errors.Is(err, errLocked) {
		t.Errorf("opening a locked door: %v, want the guard's error", err)
	}
	if _, err := apply(admin, door{}, "bricked", "open"); err == nil || !strings.Contains(err.Error(), "final state") {
		t.Errorf("acting on a final state: %v", err)
	}
	if _, err := apply(admin, door{}, "open", "paint"); !errs.Is(err, errs.Invalid) {
		t.Errorf("an unknown action: %v, want invalid", err)
	}
	entries, err := l.Entries(ctx, ledger.Filter{ObjectType: "door"})
	if err != nil || len(entries) != 4 || entries[0].Action != "door.brick" {
		t.Errorf("ledger: %d entries, %v; want one per applied transition", len(entries), err)
	}
}

// TestAllowed offers what the actor may take from the state, without the
// hidden actions and those its rights do not reach.
func TestAllowed(t *testing.T) {
	t.Parallel()
	res := access.Resource{UserID: "u", OrgID: "o"}
	user := access.Principal{UserID: "u", OrgID: "o", Roles: []access.Role{access.RoleOrgAdmin}}
	admin := access.System("test")
	for _, c := range []struct {
		name   string
		p      access.Principal
		from   State
		hidden []Action
		want   string
	}{
		{"the platform, open", admin, "open", nil, "close, brick"},
		{"the platform, brick hidden", admin, "closed", []Action{"brick"}, "open"},
		{"a user without the right to brick", user, "closed", nil, "open"},
		{"a final state", admin, "bricked", nil, ""},
	} {
		got := doors.Allowed(c.p, c.from, res, c.hidden...)
		if got == nil || join(got) != c.want {
			t.Errorf("%s: %v, want [%s]", c.name, got, c.want)
		}
	}
}

func containsState(ss []State, s State) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

package product_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/product"
)

// TestLimiter: a key's burst is served, the next call waits for a token,
// which the rate refills; keys do not share buckets. The clock is given,
// not waited for.
func TestLimiter(t *testing.T) {
	l := product.NewLimiter(10, 3)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 3 {
		if ok, _ := product.Allow(l, "k", at); !ok {
			t.Fatalf("call %d of the burst refused", i)
		}
	}
	ok, wait := product.Allow(l, "k", at)
	if ok || wait != 100*time.Millisecond {
		t.Fatalf("beyond the burst: %v, wait %s", ok, wait)
	}
	if ok, _ := product.Allow(l, "other", at); !ok {
		t.Fatal("another key was refused")
	}
	if ok, _ := product.Allow(l, "k", at.Add(100*time.Millisecond)); !ok {
		t.Fatal("a refilled token was refused")
	}
}

// TestParam: parameters are checked by declared format, strictly.
func TestParam(t *testing.T) {
	uscc := product.Param{Name: "uscc", Format: "uscc"}
	id := product.Param{Name: "id", Format: "id_number"}
	for _, c := range []struct {
		p          product.Param
		body, want string // want: the value, or "!" and a fragment of the error
	}{
		{uscc, `{"uscc":"91370702ma0fgdwjhf"}`, "91370702MA0FGDWJHF"},
		{uscc, `{"uscc":"91370702MA0FGDWJHE"}`, "!GB 32100"},
		{uscc, `{"uscc":"9137"}`, "!GB 32100"},
		{uscc, `{"uscc":123}`, "!a string"},
		{uscc, `{}`, "!required"},
		{uscc, `{"uscc":"91370702MA0FGDWJHF","x":1}`, "!not a parameter"},
		{uscc, `[1]`, "!JSON object"},
		{id, `{"id":"11010519491231002X"}`, "11010519491231002X"},
		{id, `{"id":"110105194912310021"}`, "!GB 11643"},
		{product.Param{Name: "q", Format: "text"}, `{"q":""}`, "!1 to 200"},
	} {
		got, err := product.ParseParam(c.p, json.RawMessage(c.body))
		if frag, refused := strings.CutPrefix(c.want, "!"); refused {
			if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), frag) {
				t.Errorf("%s: %v; want invalid with %q", c.body, err, frag)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: %q, %v; want %q", c.body, got, err, c.want)
		}
	}
}

// TestMachines: every transition of both tables names a known action and
// lands in a known state; deregistered and refused/ended are final.
func TestMachines(t *testing.T) {
	productStates := []fsm.State{product.Reviewing, product.Published, product.Rejected, product.Deregistered}
	for _, tr := range product.Machine.Transitions() {
		if !access.Known(tr.Who) || !slices.Contains(productStates, tr.To) {
			t.Errorf("product %s: %s → %s", tr.Action, tr.Who, tr.To)
		}
	}
	if len(product.Machine.Actions(product.Deregistered)) != 0 {
		t.Error("a deregistered product can still change")
	}
	subStates := []fsm.State{product.Applied, product.Approved, product.Refused, product.Ended}
	for _, tr := range product.SubscriptionMachine.Transitions() {
		if !access.Known(tr.Who) || !slices.Contains(subStates, tr.To) {
			t.Errorf("subscription %s: %s → %s", tr.Action, tr.Who, tr.To)
		}
	}
	for _, s := range []fsm.State{product.Refused, product.Ended} {
		if len(product.SubscriptionMachine.Actions(s)) != 0 {
			t.Errorf("a %s subscription can still change", s)
		}
	}
}

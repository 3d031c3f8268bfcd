package billing

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
)

// check verifies the properties of a split of total by rule r over calls:
// the shares sum to total exactly, none is negative, each is within one fen
// of its exact part, a provider without calls gets nothing, and the result
// does not depend on the order the providers came in.
func checkSplit(t *testing.T, total int64, r Rule, calls map[string]int64) {
	t.Helper()
	shares := divide(total, r, "unit", "operator", calls)
	var sum int64
	c := new(big.Int)
	for _, n := range calls {
		c.Add(c, big.NewInt(n))
	}
	for _, sh := range shares {
		sum += sh.Fen
		if sh.Fen < 0 {
			t.Fatalf("negative share %+v", sh)
		}
		exact := exactPart(total, r, c, sh, calls)
		lo := new(big.Int).Quo(exact.Num(), exact.Denom())
		if got := big.NewInt(sh.Fen); got.Cmp(lo) < 0 || got.Cmp(new(big.Int).Add(lo, big.NewInt(1))) > 0 {
			t.Fatalf("total %d rule %+v calls %v: %s gets %d, exact part %s", total, r, calls, sh.OrgID, sh.Fen, exact.FloatString(3))
		}
		if sh.Party == Provider && sh.Calls == 0 && sh.Fen != 0 {
			t.Fatalf("provider %s without calls gets %d", sh.OrgID, sh.Fen)
		}
	}
	if sum != total {
		t.Fatalf("total %d rule %+v calls %v: shares sum to %d", total, r, calls, sum)
	}
	again := divide(total, r, "unit", "operator", clone(calls))
	for i := range shares {
		if again[i] != shares[i] {
			t.Fatalf("not deterministic: %+v then %+v", shares, again)
		}
	}
}

// exactPart is a share's exact rational part, computed the long way.
func exactPart(total int64, r Rule, c *big.Int, sh Share, calls map[string]int64) *big.Rat {
	part := func(bp int64, num, den *big.Int) *big.Rat {
		q := new(big.Rat).SetFrac(big.NewInt(total), big.NewInt(wholeBP))
		q.Mul(q, new(big.Rat).SetInt64(bp))
		return q.Mul(q, new(big.Rat).SetFrac(num, den))
	}
	one := big.NewInt(1)
	switch {
	case sh.Party == Government && c.Sign() == 0:
		return part(int64(r.GovernmentBP+r.ProvidersBP), one, one)
	case sh.Party == Government:
		return part(int64(r.GovernmentBP), one, one)
	case sh.Party == Operator:
		return part(int64(r.OperatorBP), one, one)
	case c.Sign() == 0:
		return new(big.Rat)
	}
	return part(int64(r.ProvidersBP), big.NewInt(calls[sh.OrgID]), c)
}

func clone(m map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestSplitEdges(t *testing.T) {
	third := Rule{GovernmentBP: 3333, OperatorBP: 3334, ProvidersBP: 3333}
	for _, tc := range []struct {
		name  string
		total int64
		r     Rule
		calls map[string]int64
	}{
		{"nothing to split", 0, third, map[string]int64{"a": 5}},
		{"one fen", 1, third, map[string]int64{"a": 1, "b": 1}},
		{"one provider", 100, Rule{GovernmentBP: 3000, OperatorBP: 5000, ProvidersBP: 2000}, map[string]int64{"a": 7}},
		{"no providers", 999, third, nil},
		{"zero calls", 1001, third, map[string]int64{"a": 0, "b": 0}},
		{"all to providers, no calls", 77, Rule{ProvidersBP: 10000}, map[string]int64{"a": 0}},
		{"all to providers", 10, Rule{ProvidersBP: 10000}, map[string]int64{"a": 1, "b": 1, "c": 1}},
		{"huge counts", 1 << 60, third, map[string]int64{"a": 1 << 62, "b": 1<<62 - 1, "c": 3}},
		{"many providers", 12345, third, many(200)},
	} {
		t.Run(tc.name, func(t *testing.T) { checkSplit(t, tc.total, tc.r, tc.calls) })
	}
	// Ties go to the government, then the operator, then providers by ID.
	got := divide(1, third, "unit", "operator", map[string]int64{"b": 1, "a": 1})
	if got[1].Fen != 1 || got[2].OrgID != "a" {
		t.Errorf("1 fen over thirds: %+v; want it to the operator (largest part, 3334), providers in ID order", got)
	}
	got = divide(2, Rule{ProvidersBP: 10000}, "unit", "operator", map[string]int64{"b": 1, "a": 1, "c": 1})
	if got[2].Fen != 1 || got[3].Fen != 1 || got[4].Fen != 0 {
		t.Errorf("2 fen over three equal providers: %+v; want a and b", got)
	}
}

func many(n int) map[string]int64 {
	m := map[string]int64{}
	for i := range n {
		m[fmt.Sprintf("p%03d", i)] = int64(i % 7)
	}
	return m
}

// TestSplitProperty checks the properties over many random splits, with a
// fixed seed so that a failure repeats.
func TestSplitProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(20261127, 6))
	for range 20000 {
		g := rng.IntN(wholeBP + 1)
		o := rng.IntN(wholeBP - g + 1)
		r := Rule{GovernmentBP: g, OperatorBP: o, ProvidersBP: wholeBP - g - o}
		var total int64
		switch rng.IntN(4) {
		case 0:
			total = rng.Int64N(3)
		case 1:
			total = rng.Int64N(1000)
		case 2:
			total = rng.Int64N(1 << 40)
		default:
			total = rng.Int64N(1 << 62)
		}
		calls := map[string]int64{}
		for i := range rng.IntN(12) {
			calls[fmt.Sprintf("org-%d", rng.IntN(20)+i*20)] = []int64{0, 1, rng.Int64N(100), rng.Int64N(1 << 50)}[rng.IntN(4)]
		}
		checkSplit(t, total, r, calls)
	}
}

func TestCarry(t *testing.T) {
	y := years{approved: map[int]int64{2025: 100, 2026: 100, 2027: 100, 2028: 100}, revenue: map[int]int64{2025: 130, 2026: 200, 2027: 50},
		caps: map[int]int64{}}
	for _, tc := range []struct{ year, carried, effective int64 }{
		{2025, 0, 100},
		{2026, 30, 70}, // 130 − 100
		{2027, 130, 0}, // 30 + 200 − 100: larger than the approval, so it keeps carrying
		{2028, 80, 20}, // 130 + 50 − 100
		{2029, 0, 0},   // 80 + 0 − 100 < 0: a shortfall is no credit; nothing approved
	} {
		m := y.of(int(tc.year))
		if m.CarriedFen != tc.carried || m.EffectiveFen != tc.effective {
			t.Errorf("%d: carried %d, effective %d; want %d, %d", tc.year, m.CarriedFen, m.EffectiveFen, tc.carried, tc.effective)
		}
	}
}

func TestYuan(t *testing.T) {
	for fen, want := range map[int64]string{0: "¥0.00", 5: "¥0.05", 123456: "¥1,234.56", 100000000: "¥1,000,000.00", -150: "-¥1.50"} {
		if got := Yuan(fen); got != want {
			t.Errorf("Yuan(%d) = %s; want %s", fen, got, want)
		}
	}
}

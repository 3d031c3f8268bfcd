package sandbox

import (
	"context"
	crand "crypto/rand"
	"io"
	"math"
	"math/big"
	"math/rand/v2"
	"sync"
	"testing"
)

// seeded is a deterministic source of random bytes for the samplers.
func seeded(seed uint64) io.Reader {
	var s [32]byte
	s[0] = byte(seed)
	return rand.NewChaCha8(s)
}

// laplacePMF is the specified distribution: P(x) = (1−p)/(1+p)·p^|x|,
// p = e^{−s/t}.
func laplacePMF(x int64, s, t float64) float64 {
	p := math.Exp(-s / t)
	return (1 - p) / (1 + p) * math.Pow(p, math.Abs(float64(x)))
}

// chiSquare draws n samples of scale t/s and returns the statistic over
// the bins −m…m (with the tails folded into the end bins) and the degrees
// of freedom.
func chiSquare(smp sampler, n int, s, t int64, m int64) (float64, int) {
	counts := map[int64]int{}
	for range n {
		x := smp.laplace(big.NewInt(s), big.NewInt(t))
		counts[max(-m, min(m, x))]++
	}
	stat := 0.0
	for x := -m; x <= m; x++ {
		p := laplacePMF(x, float64(s), float64(t))
		if x == -m || x == m {
			// the tail beyond: P(X ≥ m) = p^m/(1+p)
			q := math.Exp(-float64(s) / float64(t))
			p = math.Pow(q, float64(m)) / (1 + q)
		}
		e := p * float64(n)
		d := float64(counts[x]) - e
		stat += d * d / e
	}
	return stat, int(2 * m)
}

// chiCritical is the chi-square quantile by the Wilson–Hilferty
// approximation, good to a few percent at these degrees of freedom.
func chiCritical(df int, z float64) float64 {
	k := float64(df)
	c := 1 - 2/(9*k) + z*math.Sqrt(2/(9*k))
	return k * c * c * c
}

// TestLaplaceMatchesItsSpecification compares the sampler's output with the
// discrete Laplace distribution by a chi-square test, with crypto/rand (no
// seed: a generous significance level, 10⁻⁴) and with a deterministic
// source.
func TestLaplaceMatchesItsSpecification(t *testing.T) {
	t.Parallel()
	const n = 100_000
	limit := chiCritical(20, 3.719) // α = 10⁻⁴
	for _, c := range []struct {
		name string
		src  io.Reader
		s, t int64
	}{
		{"crypto/rand, scale 2", crand.Reader, 1, 2},
		{"crypto/rand, scale 3/2", crand.Reader, 2, 3},
		{"deterministic, scale 4", seeded(7), 1, 4},
	} {
		stat, df := chiSquare(sampler{r: c.src}, n, c.s, c.t, 10)
		t.Logf("%s: χ² = %.1f with %d degrees of freedom (limit %.1f)", c.name, stat, df, limit)
		if stat > limit {
			t.Errorf("%s: χ² = %.1f exceeds %.1f: the samples do not follow the discrete Laplace distribution", c.name, stat, limit)
		}
	}
}

func TestSamplerIsDeterministicWithASeed(t *testing.T) {
	t.Parallel()
	a, b := sampler{r: seeded(3)}, sampler{r: seeded(3)}
	for range 1000 {
		if x, y := a.laplace(big.NewInt(1), big.NewInt(5)), b.laplace(big.NewInt(1), big.NewInt(5)); x != y {
			t.Fatalf("the same seed gave %d and %d", x, y)
		}
	}
}

func TestBernoulliExp(t *testing.T) {
	t.Parallel()
	smp := sampler{r: seeded(11)}
	const n = 200_000
	for _, g := range [][2]int64{{1, 3}, {1, 1}, {5, 2}} {
		hits := 0
		for range n {
			if smp.bernoulliExp(big.NewInt(g[0]), big.NewInt(g[1])) {
				hits++
			}
		}
		want := math.Exp(-float64(g[0]) / float64(g[1]))
		got := float64(hits) / n
		if sd := math.Sqrt(want * (1 - want) / n); math.Abs(got-want) > 5*sd {
			t.Errorf("exp(-%d/%d): frequency %.4f, want %.4f", g[0], g[1], got, want)
		}
	}
}

func TestDPAnswer(t *testing.T) {
	w := theWorld(t)
	g := w.dpGrant()
	a, err := w.ask(t, g, `SELECT district, count(*) AS n, avg(monthly_base_yuan) AS avg_base FROM social_insurance GROUP BY district ORDER BY district`)
	if err != nil {
		t.Fatal(err)
	}
	if a.EpsilonSpent != 0.5 || a.EpsilonLeft == nil || math.Abs(*a.EpsilonLeft-2.5) > 1e-9 {
		t.Errorf("cost %v, left %v", a.EpsilonSpent, a.EpsilonLeft)
	}
	var truth = map[string]int64{}
	for _, r := range a.Rows {
		truth[r[0].(string)] = toInt(r[1])
	}
	// The noise of a count at ε/3 per quantity has scale 6: answers are near
	// the truth but not equal to it everywhere.
	var exact int64
	w.raw(t, `SELECT count(*) FROM read_parquet(%s) WHERE district = '寿光市'`, &exact)
	if d := truth["寿光市"] - exact; d < -100 || d > 100 {
		t.Errorf("noisy count %d is far from %d", truth["寿光市"], exact)
	}
	if len(a.Rows) < 10 {
		t.Errorf("only %d districts released", len(a.Rows))
	}
	// Averages: at ε = 0.5 the noise of a sum has scale 30000·4/0.5 =
	// 240,000, a third of the sum of the smallest district (180 people),
	// so its average is often far off. Spending the rest of the budget
	// (ε = 2.5, scale 48,000) puts [3000, 10000] some 13 scales away.
	a, err = w.sb.Query(t.Context(), g, Request{SQL: `SELECT district, avg(monthly_base_yuan) AS avg_base, count(*) AS n FROM social_insurance GROUP BY district`, Epsilon: 2.5})
	leak(t, g, a, err)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range a.Rows {
		if avg, ok := r[1].(float64); !ok || avg < 3000 || avg > 10000 {
			t.Errorf("noisy average %v is implausible", r[1])
		}
	}
}

// TestDPSmallGroupsAreNotReleased: groups of a few people fall under the
// noisy threshold.
func TestDPSmallGroupsAreNotReleased(t *testing.T) {
	w := theWorld(t)
	a, err := w.ask(t, w.dpGrant(), `SELECT birth_date, count(*) AS n FROM social_insurance GROUP BY birth_date`)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Rows) > 5 {
		t.Errorf("%d single birth dates released; groups of one to three people must fall under the threshold", len(a.Rows))
	}
}

// TestDPBudgetRepeatedQueries: repeating a query spends the budget each
// time, until the query is refused before it runs; the budget never
// refreshes.
func TestDPBudgetRepeatedQueries(t *testing.T) {
	w := theWorld(t)
	g := w.dpGrant()
	q := `SELECT count(*) FROM social_insurance WHERE district = '奎文区'`
	answered := 0
	for range 10 {
		_, err := w.ask(t, g, q)
		if err != nil {
			if RuleOf(err) != "budget" {
				t.Fatal(err)
			}
			break
		}
		answered++
	}
	if answered != 6 {
		t.Errorf("%d answers from a budget of ε=3 at 0.5 each, want 6", answered)
	}
	left, _ := w.sb.cfg.Budget.Left(context.Background(), g.ID, CostOf(3, 1e-5))
	if left.MicroEpsilon != 0 {
		t.Errorf("left %v", left)
	}
	// A query asking for more than is left is refused before it runs.
	g2 := w.dpGrant()
	_, err := w.sb.Query(context.Background(), g2, Request{SQL: q, Epsilon: 2.5})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.sb.Query(context.Background(), g2, Request{SQL: q, Epsilon: 0.6})
	if RuleOf(err) != "budget" {
		t.Fatalf("overspend: %v", err)
	}
	left, _ = w.sb.cfg.Budget.Left(context.Background(), g2.ID, CostOf(3, 1e-5))
	if left.MicroEpsilon != 500_000 {
		t.Errorf("a refused query spent budget: %v left", left)
	}
}

// TestDPBudgetConcurrent: queries racing in several sandboxes (as in
// several processes sharing one grant store) never overspend.
func TestDPBudgetConcurrent(t *testing.T) {
	w := theWorld(t)
	budget := NewMemoryBudget()
	var boxes []*Sandbox
	for range 3 {
		sb, err := Open(context.Background(), Config{Dir: w.sb.cfg.Dir, Budget: budget})
		if err != nil {
			t.Fatal(err)
		}
		defer sb.Close()
		boxes = append(boxes, sb)
	}
	g := w.dpGrant()
	g.DP.Epsilon = 2 // four queries' worth
	var mu sync.Mutex
	answered, refused := 0, 0
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			_, err := boxes[i%3].Query(context.Background(), g, Request{SQL: `SELECT gender, count(*) FROM social_insurance GROUP BY gender`})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				answered++
			case RuleOf(err) == "budget":
				refused++
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if answered != 4 || refused != 8 {
		t.Errorf("%d answered, %d refused; want 4 and 8", answered, refused)
	}
	left, _ := budget.Left(context.Background(), g.ID, CostOf(2, 1e-5))
	if left.MicroEpsilon != 0 || left.FemtoDelta < 0 {
		t.Errorf("left %+v", left)
	}
}

func TestMemoryBudgetConcurrentSpends(t *testing.T) {
	t.Parallel()
	b := NewMemoryBudget()
	limit := CostOf(1, 1e-6)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 1000 {
		wg.Go(func() {
			if _, err := b.Spend(context.Background(), "g", CostOf(0.003, 1e-9), limit); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ok != 333 {
		t.Errorf("%d spends of 0.003 within 1, want 333", ok)
	}
}

package sandbox

import (
	"fmt"
	"testing"

	"shuyu/internal/errs"
)

// TestRuntimeErrorsAreLimited: whether a query fails at run time is one bit
// about the data (an overflow reached only by some rows), so the grant may
// fail only a few times an hour; then every query is refused, before it
// runs, until the hour has passed.
func TestRuntimeErrorsAreLimited(t *testing.T) { engines(t, testRuntimeErrorsAreLimited) }

func testRuntimeErrorsAreLimited(t *testing.T, w *world) {
	g := w.aggregateGrant()
	g.Limits.RuntimeErrorsPerHour = 3
	const probe = `SELECT district, sum(monthly_base_yuan * 9223372036854775) FROM social_insurance GROUP BY district`
	for i := range 3 {
		_, err := w.ask(t, g, probe)
		if RuleOf(err) != "runtime" {
			t.Fatalf("probe %d: want a runtime error, got %v", i+1, err)
		}
	}
	for _, q := range []string{probe, `SELECT district, count(*) FROM social_insurance GROUP BY district`} {
		_, err := w.ask(t, g, q)
		if code, _, _ := errs.Public(err); code != errs.RateLimited || RuleOf(err) != "limits" {
			t.Fatalf("after 3 runtime errors %q: want the limit, got %v", q, err)
		}
	}
}

// TestRuntimeErrorsAreAlike: two probes whose failures come from different
// values give the same message, word for word.
func TestRuntimeErrorsAreAlike(t *testing.T) {
	w := theWorld(t)
	var msgs []string
	for _, q := range []string{
		`SELECT count(*) FROM social_insurance WHERE district = 1`,
		`SELECT count(*) FROM social_insurance WHERE gender = 1`,
		`SELECT district, sum(monthly_base_yuan * 9223372036854775) FROM social_insurance GROUP BY district`,
	} {
		_, err := w.ask(t, w.aggregateGrant(), q)
		if RuleOf(err) != "runtime" {
			t.Fatalf("%s: want a runtime error, got %v", q, err)
		}
		_, msg, details := errs.Public(err)
		msgs = append(msgs, msg+fmt.Sprint(details))
	}
	for _, m := range msgs[1:] {
		if m != msgs[0] {
			t.Errorf("runtime errors differ:\n%s\n%s", msgs[0], m)
		}
	}
}

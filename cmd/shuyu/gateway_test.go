package main

import (
	"strings"
	"testing"
)

// TestCallsPerSecondFlag: each API key's rate at the gateway comes from
// --calls-per-second or SHUYU_CALLS_PER_SECOND, 200 by default; a negative
// or infinite rate is refused naming the flag. Not parallel: it sets the
// environment.
func TestCallsPerSecondFlag(t *testing.T) {
	for _, c := range []struct {
		args []string
		want float64
	}{{nil, 200}, {[]string{"--calls-per-second", "1500"}, 1500}} {
		if cfg, err := configOf(c.args...); err != nil || cfg.CallsPerSecond != c.want {
			t.Errorf("%v: %g %v; want %g", c.args, cfg.CallsPerSecond, err, c.want)
		}
	}
	t.Setenv("SHUYU_CALLS_PER_SECOND", "50")
	if cfg, err := configOf(); err != nil || cfg.CallsPerSecond != 50 {
		t.Errorf("SHUYU_CALLS_PER_SECOND=50: %g %v", cfg.CallsPerSecond, err)
	}
	for _, bad := range []string{"-1", "+Inf", "many"} {
		if _, err := configOf("--calls-per-second", bad); err == nil || !strings.Contains(err.Error(), "calls-per-second") {
			t.Errorf("--calls-per-second %s: %v, want an error naming the flag", bad, err)
		}
	}
}

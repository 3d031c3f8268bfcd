package web

import (
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"shuyu/internal/errs"
)

// TestRetryAfter: every refusal for a rate (a grant's hourly limits, a key's
// rate, logins) answers 429 with Retry-After in whole seconds, rounded up.
func TestRetryAfter(t *testing.T) {
	for wait, want := range map[time.Duration]string{1500 * time.Millisecond: "2", 10 * time.Millisecond: "1", time.Hour: "3600"} {
		rec := httptest.NewRecorder()
		writeError(rec, httptest.NewRequest("GET", "/", nil), slog.New(slog.DiscardHandler), errs.Limited("limits", wait, "wait"))
		if rec.Code != 429 || rec.Header().Get("Retry-After") != want {
			t.Errorf("wait %s: %d, Retry-After %q; want 429 and %s", wait, rec.Code, rec.Header().Get("Retry-After"), want)
		}
	}
}

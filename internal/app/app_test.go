package app_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shuyu/internal/app"
	"shuyu/internal/calendar"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
)

func config(t *testing.T) app.Config {
	return app.Config{DataDir: t.TempDir(), Argon2: identity.Argon2{MemoryKiB: 1024, Time: 1, Threads: 1},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// open opens an app on config(t), closed when the test ends.
func open(t *testing.T) *app.App {
	t.Helper()
	a, err := app.Open(context.Background(), config(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func TestCalendarFileReplacesTheBuiltIn(t *testing.T) {
	t.Parallel()
	cfg := config(t)
	cfg.CalendarFile = filepath.Join(t.TempDir(), "cal.txt")
	// A deployment that declares 2026-09-30 a local holiday.
	os.WriteFile(cfg.CalendarFile, []byte("year 2026 official\nholiday 2026-09-30 地方假日\n"), 0o600)
	a, err := app.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	d, _ := calendar.ParseDate("2026-09-29")
	if got := a.Calendar.AddWorkdays(d, 1).String(); got != "2026-10-01" {
		t.Errorf("the next working day after 2026-09-29 is %s under the replaced table, want 2026-10-01", got)
	}

	bad := config(t)
	bad.CalendarFile = filepath.Join(t.TempDir(), "bad.txt")
	os.WriteFile(bad.CalendarFile, []byte("year 2026 official\nholiday 2026-02-30 x\n"), 0o600)
	if _, err := app.Open(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a broken calendar file: %v, want an error naming line 2", err)
	}
}

func TestConfigurationRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	short := config(t)
	short.Retention = 30 * 24 * time.Hour
	if _, err := app.Open(ctx, short); err == nil {
		t.Error("a retention of 30 days was accepted")
	}
	unknown := config(t)
	unknown.LedgerSuite = "rsa"
	if _, err := app.Open(ctx, unknown); err == nil {
		t.Error("an unknown ledger suite was accepted")
	}
	// A data directory created with SM2 keeps SM2.
	sm := config(t)
	sm.LedgerSuite = "sm2"
	a, err := app.Open(ctx, sm)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SeedDemo(ctx, "Sm2-Demo-Passw0rd", 0.001); err != nil {
		t.Fatal(err)
	}
	cp, err := a.Ledger.Checkpoint(ctx)
	a.Close()
	if err != nil || cp.Suite != ledger.SuiteSM2 || cp.Size == 0 {
		t.Fatalf("checkpoint %v, %v; want an SM2 ledger with entries", cp, err)
	}
	rep, err := app.VerifyLedger(ctx, sm, "", nil, nil)
	if err != nil || rep.Suite != ledger.SuiteSM2 {
		t.Errorf("verify the SM2 ledger: %+v %v", rep, err)
	}
	sm.LedgerSuite = "ed25519"
	if _, err := app.Open(ctx, sm); err == nil {
		t.Error("switching an SM2 ledger to Ed25519 was accepted")
	}
}

// TestEvidenceLimit: one setting bounds every evidence file, an
// application's as an evaluation's.
func TestEvidenceLimit(t *testing.T) {
	t.Parallel()
	cfg := config(t)
	cfg.MaxEvidenceBytes = 4 << 10
	a, err := app.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if got := a.Evaluation.MaxFileBytes(); got != cfg.MaxEvidenceBytes {
		t.Errorf("evaluation evidence up to %d bytes, want %d", got, cfg.MaxEvidenceBytes)
	}
	if got, want := a.Tender.MaxUploadBytes(), int64(40*4<<10+1<<20); got != want { // 40 files of the limit, and the form
		t.Errorf("an application may carry %d bytes, want %d", got, want)
	}
}

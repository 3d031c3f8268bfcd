package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shuyu/internal/app"
)

// configOf reads serve's flags and environment as the CLI does, into the
// app's configuration.
func configOf(args ...string) (app.Config, error) {
	o := options{logFormat: "text", logLevel: "error"}
	cmd := serveCommand(&o)
	if err := cmd.ParseFlags(args); err != nil {
		return app.Config{}, err
	}
	if err := fromEnvironment(cmd.Flags()); err != nil {
		return app.Config{}, err
	}
	return o.config()
}

// TestProcedureFlags: the procedure's settings come from flags or SHUYU_*
// variables (a flag wins), with the app's defaults, and nonsense is refused
// naming the flag. Not parallel: it sets the environment.
func TestProcedureFlags(t *testing.T) {
	cfg, err := configOf()
	if err != nil || cfg.TicketAnswerDays != 5 || cfg.PublicityDays != 5 || cfg.EvaluationAnswerDays != 15 || cfg.RectificationDays != 20 ||
		cfg.DemandReviewDays != 10 || cfg.MaxEvidenceBytes != 20<<20 || cfg.InboxEvery != 24*time.Hour || cfg.EvaluationTemplate != "" {
		t.Errorf("defaults: %+v %v", cfg, err)
	}
	cfg, err = configOf("--ticket-answer-days", "7", "--publicity-days", "10", "--evaluation-answer-days", "30", "--rectification-days", "40",
		"--demand-review-days", "15", "--max-evidence", "5MiB", "--inbox-every", "1h", "--evaluation-template", "tpl.json")
	if err != nil || cfg.TicketAnswerDays != 7 || cfg.PublicityDays != 10 || cfg.EvaluationAnswerDays != 30 || cfg.RectificationDays != 40 ||
		cfg.DemandReviewDays != 15 || cfg.MaxEvidenceBytes != 5<<20 || cfg.InboxEvery != time.Hour || cfg.EvaluationTemplate != "tpl.json" {
		t.Errorf("flags: %+v %v", cfg, err)
	}
	t.Setenv("SHUYU_PUBLICITY_DAYS", "8")
	t.Setenv("SHUYU_MAX_EVIDENCE", "2MB")
	t.Setenv("SHUYU_EVALUATION_TEMPLATE", "env.json")
	t.Setenv("SHUYU_DEMAND_REVIEW_DAYS", "12")
	if cfg, err = configOf("--publicity-days", "9"); err != nil || cfg.PublicityDays != 9 || cfg.MaxEvidenceBytes != 2_000_000 ||
		cfg.EvaluationTemplate != "env.json" || cfg.DemandReviewDays != 12 {
		t.Errorf("environment under a flag: %+v %v", cfg, err)
	}
	for _, c := range []struct {
		env  [2]string
		args []string
		want string
	}{
		{args: []string{"--publicity-days", "0"}, want: "--publicity-days 0"},
		{args: []string{"--rectification-days", "-3"}, want: "--rectification-days -3"},
		{args: []string{"--max-evidence", "lots"}, want: `--max-evidence "lots"`},
		{args: []string{"--inbox-every", "0s"}, want: "--inbox-every 0s"},
		{args: []string{"--demand-review-days", "0"}, want: "--demand-review-days 0"},
		{env: [2]string{"SHUYU_EVALUATION_ANSWER_DAYS", "fifteen"}, want: "SHUYU_EVALUATION_ANSWER_DAYS"},
	} {
		if c.env[0] != "" {
			t.Setenv(c.env[0], c.env[1])
		}
		if _, err := configOf(c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: %v, want an error naming %s", c.env, c.args, err, c.want)
		}
	}
}

// TestProcedureRangesRefused: serve refuses settings out of range with the
// app's reason, before it listens.
func TestProcedureRangesRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--publicity-days", "40"}, "1 to 30 working days"},
		{[]string{"--ticket-answer-days", "61"}, "1 to 60 working days"},
		{[]string{"--rectification-days", "121"}, "1 to 120 working days"},
		{[]string{"--demand-review-days", "61"}, "demand review days: 61; give 1 to 60 working days"},
		{[]string{"--max-evidence", "100"}, "at least 1 KiB"},
		{[]string{"--inbox-every", "30s"}, "at least a minute"},
		{[]string{"--evaluation-template", filepath.Join(dir, "missing.json")}, "missing.json"},
	} {
		args := append([]string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--log-level", "error"}, c.args...)
		if _, err := run(t, args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("serve %v: %v, want an error saying %q", c.args, err, c.want)
		}
	}
}

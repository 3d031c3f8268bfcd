package main

import (
	"fmt"
	"math"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/pflag"

	"shuyu/internal/app"
)

// procedure are the time limits and bounds of the authorization procedure
// and its oversight: tickets (Art. 8), publicity (Art. 12), evaluations and
// rectification (Art. 24), demand reviews (Art. 18), evidence files and
// inboxes.
type procedure struct {
	ticketAnswerDays, publicityDays         int
	evaluationAnswerDays, rectificationDays int
	demandReviewDays                        int
	evaluationTemplate, maxEvidence         string
	inboxEvery                              time.Duration
}

// procedureFlags adds the procedure's settings, for the commands that run
// the server. Their defaults are the app's.
func procedureFlags(fs *pflag.FlagSet, o *options) {
	if o.procedure == nil { // serve and demo share the options
		o.procedure = &procedure{}
	}
	p := o.procedure
	fs.IntVar(&p.ticketAnswerDays, "ticket-answer-days", 5, "working days a provider has to answer an error-correction or objection ticket (Art. 8; 1 to 60)")
	fs.IntVar(&p.publicityDays, "publicity-days", 5, "working days a selection's result stays under publicity (公示, Art. 12; 1 to 30)")
	fs.IntVar(&p.demandReviewDays, "demand-review-days", 10, "working days the implementing unit and providers have to review a round of a demand application (Art. 18; 1 to 60)")
	fs.StringVar(&p.evaluationTemplate, "evaluation-template", "", "scoring template file (JSON) replacing the built-in one of annual operator evaluations (Art. 24)")
	fs.IntVar(&p.evaluationAnswerDays, "evaluation-answer-days", 15, "working days an operator has to answer its annual evaluation (1 to 60)")
	fs.IntVar(&p.rectificationDays, "rectification-days", 20, "working days of a rectification task whose finding names none (1 to 120)")
	fs.StringVar(&p.maxEvidence, "max-evidence", "20MiB", "largest evidence file accepted (applications, evaluations, rectification reports), in bytes or with a unit; at least 1KiB")
	fs.DurationVar(&p.inboxEvery, "inbox-every", 24*time.Hour, "how often inboxes are gathered anew without a change announced (at least 1m)")
}

// procedureConfig reads the procedure's settings; commands built without
// the flags keep the app's defaults. The app checks the ranges.
func (o *options) procedureConfig(cfg *app.Config) error {
	p := o.procedure
	if p == nil {
		return nil
	}
	for _, d := range []struct {
		flag string
		n    int
	}{{"ticket-answer-days", p.ticketAnswerDays}, {"publicity-days", p.publicityDays},
		{"evaluation-answer-days", p.evaluationAnswerDays}, {"rectification-days", p.rectificationDays},
		{"demand-review-days", p.demandReviewDays}} {
		if d.n < 1 { // zero would silently mean the default
			return fmt.Errorf("--%s %d: give a number of working days, at least 1", d.flag, d.n)
		}
	}
	n, err := humanize.ParseBytes(p.maxEvidence)
	if err != nil || n == 0 || n > math.MaxInt64 {
		return fmt.Errorf("--max-evidence %q: want a size such as 20MiB, 5MB or 1048576", p.maxEvidence)
	}
	if p.inboxEvery <= 0 {
		return fmt.Errorf("--inbox-every %s: want a duration such as 1h or 24h", p.inboxEvery)
	}
	cfg.TicketAnswerDays, cfg.PublicityDays, cfg.EvaluationTemplate = p.ticketAnswerDays, p.publicityDays, p.evaluationTemplate
	cfg.EvaluationAnswerDays, cfg.RectificationDays, cfg.DemandReviewDays = p.evaluationAnswerDays, p.rectificationDays, p.demandReviewDays
	cfg.MaxEvidenceBytes, cfg.InboxEvery = int64(n), p.inboxEvery
	return nil
}

package evaluation

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/evidence"
	"shuyu/internal/store"
)

// AnswerInput is the operator's answer to one item: its self-assessment and
// evidence files, which add to those sent before.
type AnswerInput struct {
	Answer string   `json:"answer"`
	Files  []Upload `json:"-"`
}

// Answer records the operator's answer to one item of evaluation id. The
// operator may answer again, while the evaluation is open, until it submits.
func (s *Service) Answer(ctx context.Context, p access.Principal, id, itemKey string, in AnswerInput) (Evaluation, error) {
	in.Answer = strings.TrimSpace(in.Answer)
	switch {
	case in.Answer == "" || utf8.RuneCountInString(in.Answer) > maxAnswer:
		return Evaluation{}, errs.E(errs.Invalid, "answer: required, at most %d characters: say how the item was met and what the evidence shows", maxAnswer)
	case len(in.Files) > MaxFiles:
		return Evaluation{}, errs.E(errs.Invalid, "files: at most %d with one answer; send the others with another", MaxFiles)
	}
	sts, err := s.stage(in.Files)
	if err != nil {
		return Evaluation{}, err
	}
	defer s.files.Discard(sts...)
	return s.act(ctx, p, id, ActAnswer, StepInput{}, func(ctx context.Context, tx *store.Tx, ev Evaluation, now time.Time, d map[string]any) error {
		if err := hasItem(ev, itemKey); err != nil {
			return err
		}
		if err := exec(ctx, tx, `UPDATE evaluation_items SET answer = $1, answered_by = $2, answered_at = $3 WHERE evaluation_id = $4 AND item_key = $5`,
			in.Answer, p.Name(), now, ev.ID, itemKey); err != nil {
			return fmt.Errorf("evaluation: answer %s: %w", itemKey, err)
		}
		sums, err := s.addFiles(ctx, tx, "evaluation", ev.ID, itemKey, sts, p, now)
		// Hashes, not words, go to the ledger: answers may quote anything.
		d["item"], d["files_sha256"], d["late"] = itemKey, sums, now.After(ev.AnswerDueAt)
		return err
	})
}

// stage receives uploads, or refuses them all.
func (s *Service) stage(us []Upload) ([]evidence.Staged, error) {
	var sts []evidence.Staged
	for _, u := range us {
		st, err := s.files.Stage(u.Filename, u.Body)
		if err != nil {
			s.files.Discard(sts...)
			return nil, err
		}
		sts = append(sts, st)
	}
	return sts, nil
}

// ScoreInput is a reviewer's points for one item; a comment says why
// points were taken off.
type ScoreInput struct {
	Points  *float64 `json:"points"`
	Comment string   `json:"comment,omitempty"`
}

// Score records a reviewer's points for one item of evaluation id.
func (s *Service) Score(ctx context.Context, p access.Principal, id, itemKey string, in ScoreInput) (Evaluation, error) {
	in.Comment = strings.TrimSpace(in.Comment)
	if in.Points == nil || math.IsNaN(*in.Points) {
		return Evaluation{}, errs.E(errs.Invalid, "points: required, from 0 to the item's weight")
	}
	return s.act(ctx, p, id, ActScore, StepInput{Comment: in.Comment}, func(ctx context.Context, tx *store.Tx, ev Evaluation, now time.Time, d map[string]any) error {
		if err := hasItem(ev, itemKey); err != nil {
			return err
		}
		t, err := s.Template(ctx, ev.TemplateVersion)
		if err != nil {
			return err
		}
		it, _ := t.item(itemKey)
		switch pts := *in.Points; {
		case pts < 0 || pts > it.Weight:
			return errs.E(errs.Invalid, "points: %v is outside 0 to %v, the weight of %s", pts, it.Weight, itemKey)
		case pts < it.Weight && in.Comment == "":
			return errs.E(errs.Invalid, "comment: required when points are taken off: say what was found (it may become a rectification finding)")
		}
		d["item"], d["points"] = itemKey, *in.Points
		return exec(ctx, tx, `UPDATE evaluation_items SET points = $1, score_comment = $2, scored_by = $3, scored_at = $4 WHERE evaluation_id = $5 AND item_key = $6`,
			*in.Points, in.Comment, p.Name(), now, ev.ID, itemKey)
	})
}

// hasItem refuses an item key the evaluation's template does not have.
func hasItem(ev Evaluation, key string) error {
	var keys []string
	for _, it := range ev.Items {
		if it.Key == key {
			return nil
		}
		keys = append(keys, it.Key)
	}
	return errs.E(errs.NotFound, "evaluation %s has no item %q (items: %s)", ev.ID, key, strings.Join(keys, ", "))
}

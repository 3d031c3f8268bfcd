package evaluation

import (
	"context"
	"fmt"
	"time"

	"shuyu/internal/store"
)

// PublicResult is a finalised evaluation as the public sees it (Art. 25):
// whose, which year, the score, grade and conclusion. Never the answers,
// the evidence, the reviewers' points nor an evaluation still in progress.
type PublicResult struct {
	ID             string    `json:"id"`
	AgreementID    string    `json:"agreement_id"`
	AgreementTitle string    `json:"agreement_title"`
	Year           int       `json:"year"`
	OperatorID     string    `json:"operator_id"`
	Operator       string    `json:"operator"`
	Unit           string    `json:"unit"`
	Score          *float64  `json:"score,omitempty"`
	Grade          string    `json:"grade"`
	Conclusion     string    `json:"conclusion"`
	FinalisedAt    time.Time `json:"finalised_at"`
}

// PublicResults lists the finalised evaluations, newest first; year 0 is
// every year. It needs no principal: a final result is public.
func (s *Service) PublicResults(ctx context.Context, year int, page store.Page) ([]PublicResult, string, error) {
	w := &where{}
	w.add("e.state = ?", string(Finalised))
	if year != 0 {
		w.add("e.year = ?", year)
	}
	if page.After != "" {
		w.add("e.id < ?", page.After)
	}
	es, next, err := store.Paged(ctx, s.db, `SELECT `+evaluationColumns+evaluationFrom+w.sql()+` ORDER BY e.id DESC`, w.args, page, scanEvaluation,
		func(e Evaluation) string { return e.ID })
	if err != nil {
		return nil, "", fmt.Errorf("evaluation: public: %w", err)
	}
	out := make([]PublicResult, len(es))
	for i, e := range es {
		out[i] = PublicResult{ID: e.ID, AgreementID: e.AgreementID, AgreementTitle: e.AgreementTitle, Year: e.Year, OperatorID: e.OperatorID,
			Operator: e.Operator, Unit: e.Unit, Score: e.Score, Grade: e.Grade, Conclusion: e.Conclusion}
		if e.FinalisedAt != nil {
			out[i].FinalisedAt = *e.FinalisedAt
		}
	}
	return out, next, nil
}

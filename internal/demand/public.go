package demand

import (
	"context"
	"fmt"
	"time"

	"shuyu/internal/store"
)

// Scenario is an approved demand as the public sees it (Art. 25): the
// application scenario the data is put to, its purpose, whose and until
// when. Never the fields asked, the justifications, the reviews nor a
// demand not (yet) approved.
type Scenario struct {
	ID          string    `json:"id"`
	AgreementID string    `json:"agreement_id"`
	OperatorID  string    `json:"operator_id"`
	Operator    string    `json:"operator"`
	Unit        string    `json:"unit"`
	Title       string    `json:"title"`
	Scenario    string    `json:"scenario"`
	Purpose     string    `json:"purpose"`
	EndsOn      string    `json:"ends_on"`
	ApprovedAt  time.Time `json:"approved_at"`
}

// Scenarios lists the approved demands' scenarios, newest first. It needs
// no principal.
func (s *Service) Scenarios(ctx context.Context, page store.Page) ([]Scenario, string, error) {
	after := page.After
	if after == "" {
		after = "~" // sorts after every UUID
	}
	as, next, err := store.Paged(ctx, s.db, `SELECT `+demandColumns+demandFrom+` WHERE d.state = $1 AND d.id < $2 ORDER BY d.id DESC`,
		[]any{string(Approved), after}, page, scanDemand, func(a Application) string { return a.ID })
	if err != nil {
		return nil, "", fmt.Errorf("demand: scenarios: %w", err)
	}
	out := make([]Scenario, len(as))
	for i, a := range as {
		out[i] = Scenario{ID: a.ID, AgreementID: a.AgreementID, OperatorID: a.OperatorID, Operator: a.Operator, Unit: a.Unit,
			Title: a.Request.Title, Scenario: a.Request.Scenario, Purpose: a.Request.Purpose, EndsOn: a.Request.EndsOn}
		if a.DecidedAt != nil {
			out[i].ApprovedAt = *a.DecidedAt
		}
	}
	return out, next, nil
}

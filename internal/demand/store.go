package demand

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/plan"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

const demandColumns = `d.id, d.agreement_id, d.operator_id, o.name, d.unit_id, u.name, d.jurisdiction_id, d.state, d.review_round, d.request,
	d.filed_by, d.filed_by_name, d.submitted_at, d.due_at, d.decided_at, d.created_at, d.updated_at, COALESCE(g.id, '')`

const demandFrom = ` FROM demands d JOIN organizations o ON o.id = d.operator_id JOIN organizations u ON u.id = d.unit_id
	LEFT JOIN grants g ON g.demand_id = d.id`

func scanDemand(row interface{ Scan(...any) error }) (Application, error) {
	var (
		a              Application
		state, request string
		decided        sql.NullTime
	)
	err := row.Scan(&a.ID, &a.AgreementID, &a.OperatorID, &a.Operator, &a.UnitID, &a.Unit, &a.JurisdictionID, &state, &a.Round, &request,
		&a.FiledBy, &a.FiledByName, &a.SubmittedAt, &a.DueAt, &decided, &a.CreatedAt, &a.UpdatedAt, &a.GrantID)
	if err != nil {
		return a, err
	}
	a.State, a.DecidedAt = fsm.State(state), store.TimePtr(decided)
	a.SubmittedAt, a.DueAt, a.CreatedAt, a.UpdatedAt = a.SubmittedAt.UTC(), a.DueAt.UTC(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, json.Unmarshal([]byte(request), &a.Request)
}

// getDemand reads a demand with its scope, parties and reviews, locking its
// row with lock (tx.ForUpdate) if asked.
func getDemand(ctx context.Context, q store.Querier, id, lock string) (Application, error) {
	if lock != "" {
		lock += " OF d"
	}
	a, err := scanDemand(q.QueryRow(ctx, `SELECT `+demandColumns+demandFrom+` WHERE d.id = $1`+lock, id))
	if store.IsNoRows(err) {
		return a, errs.E(errs.NotFound, "no demand application %q", id)
	}
	if err != nil {
		return a, err
	}
	return a, demandDetails(ctx, q, &a)
}

// demandDetails loads the scope, every review, and the parties with their
// decisions in the current round.
func demandDetails(ctx context.Context, q store.Querier, a *Application) error {
	var err error
	a.Datasets, err = plan.ReadScope(ctx, q, `SELECT dataset_id, name, title, provider_id, provider FROM demand_datasets
		WHERE demand_id = $1 ORDER BY name`, a.ID)
	if err != nil {
		return fmt.Errorf("demand: %w", err)
	}
	a.Parties = []Party{{OrgID: a.UnitID, Name: a.Unit, Kind: string(access.KindImplementingUnit)}}
	for _, d := range a.Datasets {
		if !slices.ContainsFunc(a.Parties, func(p Party) bool { return p.OrgID == d.ProviderID }) {
			a.Parties = append(a.Parties, Party{OrgID: d.ProviderID, Name: d.Provider, Kind: string(access.KindProvider)})
		}
	}
	rows, err := q.Query(ctx, `SELECT review_round, party_id, decision, comment, by_name, at FROM demand_reviews
		WHERE demand_id = $1 ORDER BY review_round, at, id`, a.ID)
	if err != nil {
		return fmt.Errorf("demand: reviews of %s: %w", a.ID, err)
	}
	defer rows.Close()
	a.Reviews = []Review{}
	for rows.Next() {
		var r Review
		if err := rows.Scan(&r.Round, &r.PartyID, &r.Decision, &r.Comment, &r.ByName, &r.At); err != nil {
			return err
		}
		r.At = r.At.UTC()
		for i, p := range a.Parties {
			if p.OrgID == r.PartyID {
				r.Party = p.Name
				if r.Round == a.Round {
					a.Parties[i].Decision = r.Decision
				}
			}
		}
		a.Reviews = append(a.Reviews, r)
	}
	return rows.Err()
}

// saveDemand inserts a new demand or replaces its content at a resubmission.
func saveDemand(ctx context.Context, tx *store.Tx, a Application, insert bool) error {
	request, _ := json.Marshal(a.Request)
	var err error
	if insert {
		_, err = tx.Exec(ctx, `INSERT INTO demands (id, agreement_id, operator_id, unit_id, jurisdiction_id, state, review_round, title, scenario,
			purpose, ends_on, rule, request, filed_by, filed_by_name, submitted_at, due_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
			a.ID, a.AgreementID, a.OperatorID, a.UnitID, a.JurisdictionID, string(a.State), a.Round, a.Request.Title, a.Request.Scenario,
			a.Request.Purpose, a.Request.EndsOn, string(a.Request.Rule), string(request), a.FiledBy, a.FiledByName, a.SubmittedAt, a.DueAt,
			a.CreatedAt, a.UpdatedAt)
	} else {
		_, err = tx.Exec(ctx, `UPDATE demands SET review_round = $1, title = $2, scenario = $3, purpose = $4, ends_on = $5, rule = $6,
			request = $7, submitted_at = $8, due_at = $9, updated_at = $10 WHERE id = $11`,
			a.Round, a.Request.Title, a.Request.Scenario, a.Request.Purpose, a.Request.EndsOn, string(a.Request.Rule), string(request),
			a.SubmittedAt, a.DueAt, a.UpdatedAt, a.ID)
		if err == nil {
			_, err = tx.Exec(ctx, `DELETE FROM demand_datasets WHERE demand_id = $1`, a.ID)
		}
	}
	if err != nil {
		return fmt.Errorf("demand: save %s: %w", a.ID, err)
	}
	return plan.SaveScope(ctx, tx, `INSERT INTO demand_datasets (demand_id, dataset_id, name, title, provider_id, provider)
		VALUES ($1, $2, $3, $4, $5, $6)`, a.ID, a.Datasets)
}

const grantColumns = `g.id, g.demand_id, g.agreement_id, g.operator_id, g.unit_id, g.jurisdiction_id, d.title, g.rule, g.spec, g.state,
	g.expires_at, g.created_at, g.ended_at, g.end_reason`

const grantFrom = ` FROM grants g JOIN demands d ON d.id = g.demand_id`

// grantRow is a stored grant: what the API shows and the spec the sandbox
// runs (without versions).
type grantRow struct {
	Grant
	jurisdictionID string
	spec           sandbox.Grant
}

func scanGrant(row interface{ Scan(...any) error }) (grantRow, error) {
	var (
		g          grantRow
		rule, spec string
		ended      sql.NullTime
	)
	err := row.Scan(&g.ID, &g.ApplicationID, &g.AgreementID, &g.OperatorID, &g.UnitID, &g.jurisdictionID, &g.Title, &rule, &spec, &g.State,
		&g.ExpiresAt, &g.CreatedAt, &ended, &g.EndReason)
	if err != nil {
		return g, err
	}
	g.Rule, g.EndedAt = sandbox.Rule(rule), store.TimePtr(ended)
	g.ExpiresAt, g.CreatedAt = g.ExpiresAt.UTC(), g.CreatedAt.UTC()
	if err := json.Unmarshal([]byte(spec), &g.spec); err != nil {
		return g, fmt.Errorf("demand: spec of grant %s: %w", g.ID, err)
	}
	g.K, g.AllowMinMax = g.spec.K, g.spec.AllowMinMax
	if g.spec.DP != nil {
		g.EpsilonTotal, g.DeltaTotal = g.spec.DP.Epsilon, g.spec.DP.Delta
	}
	for _, d := range g.spec.Datasets {
		g.Datasets = append(g.Datasets, d.Name)
		if len(d.RowFilter) > 0 {
			if g.RowFilters == nil {
				g.RowFilters = map[string][]sandbox.Condition{}
			}
			g.RowFilters[d.Name] = d.RowFilter
		}
	}
	if len(g.Datasets) > 0 {
		g.Dataset = g.Datasets[0]
	}
	return g, nil
}

// getGrant reads a grant with its scope, locking its row if asked.
func getGrant(ctx context.Context, q store.Querier, id, lock string) (grantRow, error) {
	if lock != "" {
		lock += " OF g"
	}
	g, err := scanGrant(q.QueryRow(ctx, `SELECT `+grantColumns+grantFrom+` WHERE g.id = $1`+lock, id))
	if store.IsNoRows(err) {
		return g, errs.E(errs.NotFound, "no grant %q", id)
	}
	if err != nil {
		return g, err
	}
	return g, grantScope(ctx, q, &g)
}

func grantScope(ctx context.Context, q store.Querier, g *grantRow) error {
	var err error
	g.Scope, err = plan.ReadScope(ctx, q, `SELECT dataset_id, name, title, provider_id, provider FROM grant_datasets
		WHERE grant_id = $1 ORDER BY name`, g.ID)
	return err
}

// providers lists the providers of a scope, each once.
func providers(ds []plan.Dataset) []string {
	var out []string
	for _, d := range ds {
		if !slices.Contains(out, d.ProviderID) {
			out = append(out, d.ProviderID)
		}
	}
	return out
}

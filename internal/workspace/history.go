package workspace

import (
	"context"
	"fmt"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/plan"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// Status is how a query ended.
type Status string

const (
	Answered Status = "answered"
	// Refused by the gate before the sandbox (Broke is art30, grant or
	// parse) or by a rule of the sandbox (Broke names it).
	Refused Status = "refused"
	Failed  Status = "failed" // while running (the generic runtime error)
)

// Query is one query of a grant's history.
type Query struct {
	ID       string       `json:"id"`
	GrantID  string       `json:"grant_id"`
	UserID   string       `json:"user_id"`
	Username string       `json:"username"`
	Rule     sandbox.Rule `json:"rule"`
	Status   Status       `json:"status"`
	SQL      string       `json:"sql"`
	// SQLSHA256 is what the ledger keeps of the text.
	SQLSHA256 string `json:"sql_sha256"`
	// Code, Broke and Message say why a query was refused: the error's
	// code, the rule it broke, the message the analyst saw.
	Code         string  `json:"code,omitempty"`
	Broke        string  `json:"broke,omitempty"`
	Message      string  `json:"message,omitempty"`
	Rows         int     `json:"rows"`
	Suppressed   int     `json:"suppressed"`
	EpsilonSpent float64 `json:"epsilon_spent"`
	MicroEpsilon int64   `json:"-"`
	FemtoDelta   int64   `json:"-"`
	// ResultSHA256 is the hash of the answer as kept in the domain.
	ResultSHA256 string    `json:"result_sha256,omitempty"`
	At           time.Time `json:"at"`
	// Release is the state of the result's release, if any was made or asked.
	Release string `json:"release,omitempty"`
}

func insertQuery(ctx context.Context, tx *store.Tx, h Held, q *Query) error {
	_, err := tx.Exec(ctx, `INSERT INTO workspace_queries (id, grant_id, agreement_id, operator_id, user_id, username, rule, status, sql_text,
		sql_sha256, code, broke, message, rows_out, suppressed, micro_epsilon, femto_delta, result_sha256, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
		q.ID, h.ID, h.AgreementID, h.OperatorID, q.UserID, q.Username, string(q.Rule), string(q.Status), q.SQL, q.SQLSHA256, q.Code, q.Broke,
		q.Message, q.Rows, q.Suppressed, q.MicroEpsilon, q.FemtoDelta, q.ResultSHA256, q.At)
	if err != nil {
		return fmt.Errorf("workspace: record query %s: %w", q.ID, err)
	}
	return nil
}

const queryColumns = `q.id, q.grant_id, q.user_id, q.username, q.rule, q.status, q.sql_text, q.sql_sha256, q.code, q.broke, q.message, q.rows_out,
	q.suppressed, q.micro_epsilon, q.femto_delta, q.result_sha256, q.at, COALESCE(r.state, '')`

const queryFrom = ` FROM workspace_queries q LEFT JOIN workspace_releases r ON r.query_id = q.id WHERE `

func scanQuery(row interface{ Scan(...any) error }) (Query, error) {
	var q Query
	var rule, status string
	err := row.Scan(&q.ID, &q.GrantID, &q.UserID, &q.Username, &rule, &status, &q.SQL, &q.SQLSHA256, &q.Code, &q.Broke, &q.Message, &q.Rows,
		&q.Suppressed, &q.MicroEpsilon, &q.FemtoDelta, &q.ResultSHA256, &q.At, &q.Release)
	q.Rule, q.Status = sandbox.Rule(rule), Status(status)
	q.EpsilonSpent = sandbox.Cost{MicroEpsilon: q.MicroEpsilon}.Epsilon()
	return q, err
}

// History lists the queries of grant grantID, newest first, for the
// operator's analysts and managers.
func (s *Service) History(ctx context.Context, p access.Principal, grantID string, page store.Page) ([]Query, string, error) {
	// A grant that can no longer run (its data left the scope, say) keeps
	// its history: only a refusal of access or a missing grant stops here.
	if h, err := s.held(ctx, p, grantID, access.WorkspaceRead); err != nil && (h.OperatorID == "" || !errs.Is(err, errs.Conflict)) {
		return nil, "", err
	}
	w := plan.Where{Cond: "q.grant_id = $1", Args: []any{grantID}}
	return plan.Newest(ctx, s.db, `SELECT `+queryColumns+queryFrom, w, "q.id", page, scanQuery, func(q Query) string { return q.ID })
}

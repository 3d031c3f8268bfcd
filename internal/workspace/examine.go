package workspace

import (
	"context"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// Examined is a release as a reviewer of the implementing unit sees it to
// decide: who asked and why, the query's text, and, when asked for, the
// kept result itself. The rows are read inside the domain and shown only
// to the reviewer; they leave it only by the release.
type Examined struct {
	Release
	SQL     string   `json:"sql"`
	Columns []string `json:"columns,omitempty"`
	Rows    [][]any  `json:"rows,omitempty"`
}

// Examine returns release id for p, who must be able to decide it (a
// reviewer in the unit's jurisdiction), with its query's text; with rows,
// also the kept result, and the ledger records that p looked at it.
func (s *Service) Examine(ctx context.Context, p access.Principal, id string, rows bool) (Examined, error) {
	r, err := getRelease(ctx, s.db, id, "")
	if err != nil {
		return Examined{}, err
	}
	res, err := s.resource(ctx, r)
	if err != nil {
		return Examined{}, err
	}
	if err := access.Check(p, access.ReleaseDecide, res); err != nil {
		return Examined{}, err
	}
	q, err := scanQuery(s.db.QueryRow(ctx, `SELECT `+queryColumns+queryFrom+`q.id = $1`, r.QueryID))
	if store.IsNoRows(err) {
		return Examined{}, errs.E(errs.NotFound, "no query %s", r.QueryID)
	}
	if err != nil {
		return Examined{}, err
	}
	out := Examined{Release: r, SQL: q.SQL}
	if !rows {
		return out, nil
	}
	k, err := s.read(r.OperatorID, r.QueryID, r.ResultSHA256)
	if err != nil {
		return Examined{}, err
	}
	out.Columns, out.Rows = k.Columns, k.Rows
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		return s.ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: "release.examine", ObjectType: "release", ObjectID: r.ID,
			Detail: map[string]any{"query_id": r.QueryID, "state": r.State, "result_sha256": r.ResultSHA256, "rows": r.Rows}})
	})
	return out, err
}

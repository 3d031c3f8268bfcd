package workspace

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// Answer is what a query returns to the analyst: the sandbox's answer, and
// for aggregate and dp grants the release that let it out of the domain.
type Answer struct {
	sandbox.Answer
	Release *Release `json:"release,omitempty"`
}

// Run runs sql in grant grantID for p, in this order: p is an analyst of
// the grant's operator; p's Art. 30 records are on file; the grant is
// active and in its term; the agreement covers its datasets now; then the
// sandbox's pipeline. The query, answered or refused — by the gate before
// the sandbox or by the sandbox — is recorded in the grant's history and
// the ledger (hashes and counts, never a value) in one transaction; an
// answered aggregate or dp query is released with it, other results stay
// in the domain.
func (s *Service) Run(ctx context.Context, p access.Principal, grantID, sql string) (Answer, error) {
	if !access.Permits(p, access.WorkspaceQuery) {
		return Answer{}, access.Check(p, access.WorkspaceQuery, access.Resource{})
	}
	// The person first: without the Art. 30 records no grant is looked at
	// (the refusal is recorded in the grant's history only if it is one of
	// p's operator's, and says the same either way).
	if err := s.trained(ctx, p); err != nil {
		if h, herr := s.held(ctx, p, grantID, access.WorkspaceQuery); h.OperatorID != "" && !errs.Is(herr, errs.Forbidden) {
			return Answer{}, s.refused(ctx, p, h, sql, "art30", err)
		}
		return Answer{}, err
	}
	h, err := s.held(ctx, p, grantID, access.WorkspaceQuery)
	if err != nil {
		if h.OperatorID != "" && !errs.Is(err, errs.Forbidden) { // p's operator's grant, which cannot run
			return Answer{}, s.refused(ctx, p, h, sql, "grant", err)
		}
		return Answer{}, err
	}
	if err := s.usable(ctx, h); err != nil {
		return Answer{}, s.refused(ctx, p, h, sql, "grant", err)
	}
	// A text the sandbox would not parse is refused before it is kept: the
	// history and the ledger are no place for a megabyte of anything.
	if len(sql) > sandbox.MaxSQL {
		e := errs.E(errs.Invalid, "sql: %d KiB; the sandbox parses at most %d KiB of query text: shorten the query", len(sql)>>10, sandbox.MaxSQL>>10)
		e.Details = map[string]any{"rule": "parse"}
		return Answer{}, s.refused(ctx, p, h, sql, "parse", e)
	}
	ans, qerr := s.sandbox.Query(ctx, h.Spec, sandbox.Request{SQL: sql})
	if qerr != nil {
		if ctx.Err() != nil {
			return Answer{}, qerr // not the analyst's doing: nothing to keep
		}
		return Answer{}, s.refused(ctx, p, h, sql, sandbox.RuleOf(qerr), qerr)
	}
	q := Query{GrantID: h.ID, UserID: p.UserID, Username: p.Username, Rule: h.Spec.Rule, SQL: sql, SQLSHA256: hashText(sql)}
	rec := ans.Record
	q.ID, q.Status, q.Rows, q.Suppressed = ans.QueryID, Answered, rec.Rows, rec.Suppressed
	q.MicroEpsilon, q.FemtoDelta, q.ResultSHA256 = rec.MicroEpsilon, rec.FemtoDelta, rec.ResultSHA256
	out := Answer{Answer: ans}
	var rel *Release
	if ans.Result == nil {
		// Aggregate, dp and list answers are kept in the domain too: the
		// release (or a reviewer) lets them out as files later.
		res, err := sandbox.StoreResult(s.domainDir, h.Spec.OrgID, ans.QueryID, ans.Columns, ans.Rows)
		if err != nil {
			return Answer{}, err
		}
		q.ResultSHA256 = res.SHA256
		if h.Spec.Rule == sandbox.Aggregate || h.Spec.Rule == sandbox.DP {
			if rel, err = s.automatic(ctx, h, q, res); err != nil {
				return Answer{}, err
			}
		}
	}
	if err := s.record(ctx, p, h, &q, rel); err != nil {
		// Unrecorded, the result must not stay in the domain either (an
		// exit's deletion record would not name it, or has run already).
		os.Remove(s.resultPath(h.OperatorID, q.ID))
		return Answer{}, err
	}
	out.Release = rel
	return out, nil
}

// record writes the query (and its automatic release) with their ledger
// entries, in one transaction.
func (s *Service) record(ctx context.Context, p access.Principal, h Held, q *Query, rel *Release) error {
	q.At = s.db.Now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		// The grant or its agreement may have ended while the query ran:
		// an answer is kept, and released, only if the grant still holds
		// when it is recorded. Its row stays locked until then, so that a
		// revocation or an exit comes wholly before or after; an exit
		// after deletes the workspace later, with this result in its record.
		if q.Status == Answered {
			if err := s.stillHeld(ctx, tx, h); err != nil {
				return err
			}
		}
		if err := insertQuery(ctx, tx, h, q); err != nil {
			return err
		}
		detail := map[string]any{"grant_id": h.ID, "agreement_id": h.AgreementID, "rule": q.Rule, "status": q.Status,
			"sql_sha256": q.SQLSHA256, "rows": q.Rows, "suppressed": q.Suppressed}
		if q.Broke != "" {
			detail["code"], detail["broke"] = q.Code, q.Broke
		}
		if q.MicroEpsilon > 0 || q.FemtoDelta > 0 {
			detail["micro_epsilon"], detail["femto_delta"] = q.MicroEpsilon, q.FemtoDelta
		}
		if q.ResultSHA256 != "" {
			detail["result_sha256"] = q.ResultSHA256
		}
		recs := []ledger.Record{{Actor: p.Actor(), Action: "workspace.query", ObjectType: "query", ObjectID: q.ID, Detail: detail}}
		if rel != nil {
			rel.RequestedAt = q.At
			rel.DecidedAt = &q.At
			if err := insertRelease(ctx, tx, *rel); err != nil {
				return err
			}
			recs = append(recs, ledger.Record{Actor: p.Actor(), Action: "release.automatic", ObjectType: "release", ObjectID: rel.ID,
				Detail: rel.ledgerDetail()})
		}
		return s.ledger.Append(ctx, tx, recs...)
	})
}

// refused records query sql of p in grant h, refused with err for
// breaking rule broke (a sandbox rule, or art30, grant or parse at the
// gate), and returns err. What is not the analyst's doing (an internal or
// unavailable engine) is not kept, nor a text longer than the sandbox
// parses (only its hash). The message is the one the analyst sees, which
// never carries a private value.
func (s *Service) refused(ctx context.Context, p access.Principal, h Held, sql, broke string, err error) error {
	code, msg, _ := errs.Public(err)
	if code == errs.Internal || code == errs.Unavailable {
		return err
	}
	q := Query{ID: store.NewID(), GrantID: h.ID, UserID: p.UserID, Username: p.Username, Rule: h.Spec.Rule, SQL: sql, SQLSHA256: hashText(sql),
		Status: Refused, Code: string(code), Broke: broke, Message: msg}
	if len(sql) > sandbox.MaxSQL {
		q.SQL = ""
	}
	if broke == "runtime" {
		q.Status = Failed
	}
	if rerr := s.record(ctx, p, h, &q, nil); rerr != nil {
		return rerr
	}
	return err
}

func hashText(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

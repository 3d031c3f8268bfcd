package quality

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"shuyu/internal/catalog"
	"shuyu/internal/domain"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// Result is what one rule found in one version: counts and the first
// failing row numbers (1 is the first data row; line 2 of a CSV with its
// header). It never holds a value.
type Result struct {
	ID string `json:"id"`
	Rule
	Checked int64 `json:"checked"`
	Failed  int64 `json:"failed"`
	// Pass is the share of checked rows that passed, 1 when none was checked.
	Pass float64 `json:"pass"`
	// FailingRows are the first failing row numbers.
	FailingRows []int64 `json:"failing_rows"`
	// Skipped says why a rule was not run on this version (its field is
	// not in the version, or has another type); a skipped rule does not count.
	Skipped string `json:"skipped,omitempty"`
}

// Assessment is a version checked against a set of rules.
type Assessment struct {
	DatasetID string `json:"dataset_id"`
	VersionID string `json:"version_id"`
	Rows      int64  `json:"rows"`
	// Score is 100 times the mean pass share of the rules that ran; null
	// when none did.
	Score       *float64  `json:"score"`
	Results     []Result  `json:"results"`
	Defaults    bool      `json:"defaults"`
	RulesSHA256 string    `json:"rules_sha256"`
	DurationMS  int64     `json:"duration_ms"`
	AssessedAt  time.Time `json:"assessed_at"`
}

// engineRevision changes whenever the SQL of a rule changes meaning, so that
// stored results made under the old meaning are not taken for new ones.
const engineRevision = "1"

// rulesSHA names a set of rules as run.
func rulesSHA(rules []Rule) string {
	b, _ := json.Marshal(rules)
	h := sha256.Sum256(append([]byte(engineRevision+"\n"), b...))
	return hex.EncodeToString(h[:])
}

// Assess checks version v against its entry's rules in force, unless that
// was done already, and returns the assessment. The ingest service calls it
// after each stored version; reads and the background assessor call it for
// versions it missed.
func (s *Service) Assess(ctx context.Context, v domain.Version) (Assessment, error) {
	d, err := s.catalog.Get(ctx, s.system, v.DatasetID)
	if err != nil {
		return Assessment{}, err
	}
	rs, err := s.ruleSet(ctx, s.db, d)
	if err != nil {
		return Assessment{}, err
	}
	return s.assess(ctx, d, v, rs)
}

// AssessLater assesses v in the background and returns at once, so that an
// upload does not wait for its checks; failures are logged, and the
// background assessor retries what was missed.
func (s *Service) AssessLater(ctx context.Context, v domain.Version) {
	ctx = context.WithoutCancel(ctx)
	s.running.Add(1)
	go func() {
		defer s.running.Done()
		s.slots <- struct{}{}
		defer func() { <-s.slots }()
		if _, err := s.Assess(ctx, v); err != nil {
			s.opts.Log.WarnContext(ctx, "quality: assessment failed", "dataset", v.DatasetID, "version", v.ID, "err", err)
		}
	}()
}

// Wait returns when the assessments AssessLater started have ended; call
// it before closing the domain.
func (s *Service) Wait() { s.running.Wait() }

func (s *Service) assess(ctx context.Context, d catalog.Dataset, v domain.Version, rs RuleSet) (Assessment, error) {
	sha := rulesSHA(rs.Rules)
	if a, err := s.stored(ctx, v.ID, sha); err == nil || !store.IsNoRows(err) {
		return a, err
	}
	a, err := s.run(ctx, v, rs.Rules)
	if err != nil {
		return a, err
	}
	a.DatasetID, a.Defaults, a.RulesSHA256, a.AssessedAt = d.ID, rs.Defaults, sha, s.db.Now()
	results, _ := json.Marshal(a.Results)
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `INSERT INTO quality_assessments (version_id, rules_sha256, dataset_id, rows, score, results, defaults, duration_ms, assessed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (version_id, rules_sha256) DO NOTHING`,
			v.ID, sha, d.ID, a.Rows, a.Score, string(results), a.Defaults, a.DurationMS, a.AssessedAt)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // another process stored the same assessment first
		}
		return s.ledger.Append(ctx, tx, ledger.Record{Actor: ledger.System, Action: "quality.assess", ObjectType: "dataset", ObjectID: d.ID,
			Detail: map[string]any{"version_id": v.ID, "rules_sha256": sha, "rows": a.Rows, "score": a.Score}})
	})
	if err != nil {
		return a, fmt.Errorf("quality: keep the assessment of %s: %w", v.ID, err)
	}
	return s.stored(ctx, v.ID, sha)
}

// stored returns a kept assessment; sql.ErrNoRows when there is none.
func (s *Service) stored(ctx context.Context, versionID, sha string) (Assessment, error) {
	a := Assessment{VersionID: versionID, RulesSHA256: sha}
	var (
		score   sql.NullFloat64
		results string
	)
	err := s.db.QueryRow(ctx, `SELECT dataset_id, rows, score, results, defaults, duration_ms, assessed_at FROM quality_assessments
		WHERE version_id = $1 AND rules_sha256 = $2`, versionID, sha).Scan(&a.DatasetID, &a.Rows, &score, &results, &a.Defaults, &a.DurationMS, &a.AssessedAt)
	if err != nil {
		return a, err
	}
	if score.Valid {
		a.Score = &score.Float64
	}
	a.AssessedAt = a.AssessedAt.UTC()
	return a, json.Unmarshal([]byte(results), &a.Results)
}

// run checks v against rules in one query inside the domain.
func (s *Service) run(ctx context.Context, v domain.Version, rules []Rule) (Assessment, error) {
	start := time.Now()
	a := Assessment{VersionID: v.ID, Results: make([]Result, len(rules))}
	types := make(map[string]string, len(v.Columns))
	for _, c := range v.Columns {
		types[c.Name] = c.Type
	}
	// A rule set for the catalog as it is now may not fit an older version.
	var runnable []Rule
	var at []int
	for i, r := range rules {
		a.Results[i] = Result{ID: r.ID(), Rule: r, Pass: 1, FailingRows: []int64{}}
		if _, err := checkRule(r, types); err != nil {
			a.Results[i].Skipped = "this version does not fit the rule: " + err.Error()
			continue
		}
		runnable, at = append(runnable, r), append(at, i)
	}
	counts := make([]any, 1+3*len(runnable))
	var rows int64
	counts[0] = &rows
	checked, failed := make([]int64, len(runnable)), make([]int64, len(runnable))
	samples := make([]sql.NullString, len(runnable))
	for i := range runnable {
		counts[1+3*i], counts[2+3*i], counts[3+3*i] = &checked[i], &failed[i], &samples[i]
	}
	err := s.domain.Eval(ctx, v, query(compile(runnable, types), s.opts.SampleRows), func(r *sql.Rows) error {
		if !r.Next() {
			return fmt.Errorf("quality: the checks of %s returned nothing", v.ID)
		}
		return r.Scan(counts...)
	})
	if err != nil {
		return a, err
	}
	a.Rows = rows
	var sum float64
	for i, j := range at {
		res := &a.Results[j]
		res.Checked, res.Failed, res.FailingRows = checked[i], failed[i], parseRows(samples[i].String)
		if res.Checked > 0 {
			res.Pass = 1 - float64(res.Failed)/float64(res.Checked)
		}
		sum += res.Pass
	}
	if len(runnable) > 0 {
		score := round(100 * sum / float64(len(runnable)))
		a.Score = &score
	}
	a.DurationMS = time.Since(start).Milliseconds()
	return a, nil
}

func parseRows(s string) []int64 {
	out := []int64{}
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}

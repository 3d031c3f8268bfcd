package sandbox

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/google/uuid"

	"shuyu/internal/errs"
)

// Config wires a Sandbox to what it does not own.
type Config struct {
	// Dir is the domain directory (DataDir/domain): prepared versions and
	// engine spill files go under Dir/sandbox, review results under
	// Dir/workspaces/<org>/results.
	Dir string
	// Budget, Audit and Limiter keep the per-grant state; the grant store
	// implements them persistently. In-memory ones are used when nil.
	Budget  Budget
	Audit   AuditStore
	Limiter Limiter
	// Random is the source of noise; crypto/rand when nil. Tests may give a
	// deterministic one.
	Random io.Reader
	// Postgres, when set, runs queries on PostgreSQL (server mode) rather
	// than on an embedded DuckDB per grant.
	Postgres *Postgres
}

// Sandbox runs analysts' queries inside the domain.
type Sandbox struct {
	cfg    Config
	parser *parser
	prep   *preparer

	prepMu sync.Mutex
	files  map[string]prepared // by version ID

	mu       sync.Mutex
	sessions map[string]*session // by grant ID
}

// Open starts the sandbox's parser and preparer engines.
func Open(ctx context.Context, cfg Config) (*Sandbox, error) {
	if cfg.Dir == "" {
		return nil, errors.New("sandbox: no domain directory")
	}
	if cfg.Budget == nil {
		cfg.Budget = NewMemoryBudget()
	}
	if cfg.Audit == nil {
		cfg.Audit = NewMemoryAudit()
	}
	if cfg.Limiter == nil {
		cfg.Limiter = NewMemoryLimiter(nil)
	}
	if cfg.Random == nil {
		cfg.Random = rand.Reader
	}
	if cfg.Postgres != nil {
		if err := openPostgres(ctx, cfg.Postgres); err != nil {
			return nil, err
		}
	}
	p, err := openParser(ctx)
	if err != nil {
		return nil, err
	}
	prep, err := openPreparer(ctx, filepath.Join(cfg.Dir, "sandbox"))
	if err != nil {
		p.close()
		return nil, err
	}
	return &Sandbox{cfg: cfg, parser: p, prep: prep, files: map[string]prepared{}, sessions: map[string]*session{}}, nil
}

// Close stops every engine.
func (s *Sandbox) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, sess := range s.sessions {
		sess.mu.Lock()
		sess.close()
		sess.mu.Unlock()
		delete(s.sessions, id)
	}
	s.prep.close()
	return s.parser.close()
}

// Forget closes a grant's session, at once: for a grant that ended or
// changed. Its next query (if it is still valid) opens a new one.
func (s *Sandbox) Forget(grantID string) {
	s.mu.Lock()
	sess := s.sessions[grantID]
	delete(s.sessions, grantID)
	s.mu.Unlock()
	if sess != nil {
		sess.mu.Lock()
		sess.close()
		sess.mu.Unlock()
	}
	if s.cfg.Postgres != nil {
		// Best effort: a grant that ended cannot query anyway (its caller
		// checks), and the next Forget or change of the grant drops again.
		s.cfg.Postgres.dropGrant(context.Background(), grantID)
	}
}

// Request is an analyst's query in a grant.
type Request struct {
	SQL string `json:"sql"`
	// Epsilon is what a dp query may spend; 0 means the grant's query ε.
	Epsilon float64 `json:"epsilon,omitempty"`
}

// Answer is what leaves the sandbox for the analyst.
type Answer struct {
	QueryID string   `json:"query_id"`
	Columns []string `json:"columns"`
	Rows    [][]any  `json:"rows"`
	// Suppressed counts the groups below the threshold (aggregate, list).
	Suppressed   int     `json:"suppressed"`
	EpsilonSpent float64 `json:"epsilon_spent"`
	// EpsilonLeft and DeltaLeft are what a dp grant has left.
	EpsilonLeft *float64 `json:"epsilon_left,omitempty"`
	DeltaSpent  float64  `json:"delta_spent,omitempty"`
	DeltaLeft   *float64 `json:"delta_left,omitempty"`
	// Result is the handle of a review result, kept in the domain.
	Result *Result  `json:"result,omitempty"`
	Notes  []string `json:"notes,omitempty"`
	// Record is what the ledger may keep of the query.
	Record Record `json:"-"`
}

// Record is a query as the ledger keeps it: hashes and counts, never a
// value.
type Record struct {
	QueryID      string `json:"query_id"`
	GrantID      string `json:"grant_id"`
	Rule         Rule   `json:"rule"`
	SQLSHA256    string `json:"sql_sha256"`
	Rows         int    `json:"rows"`
	Suppressed   int    `json:"suppressed"`
	MicroEpsilon int64  `json:"micro_epsilon,omitempty"`
	FemtoDelta   int64  `json:"femto_delta,omitempty"`
	ResultSHA256 string `json:"result_sha256,omitempty"`
}

// Analyze parses, analyzes and rewrites a query without running it: the
// console's check, and the tests' view of what would run.
func (s *Sandbox) Analyze(ctx context.Context, g Grant, req Request) (*Plan, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	files, err := s.prepareAll(ctx, &g)
	if err != nil {
		return nil, err
	}
	return s.plan(ctx, &g, req, files)
}

// Query answers an analyst's query under the grant's rule: parse, analyze,
// rewrite, (spend the dp budget,) run the rewritten statements on the
// grant's locked engine, check the output against the rule, answer.
func (s *Sandbox) Query(ctx context.Context, g Grant, req Request) (Answer, error) {
	if err := g.Validate(); err != nil {
		return Answer{}, err
	}
	l := g.Limits.withDefaults()
	done, err := s.cfg.Limiter.Admit(ctx, g.ID, l)
	if err != nil {
		return Answer{}, err
	}
	started := time.Now()
	var failed error
	defer func() { done(time.Since(started)*time.Duration(l.Threads), RuleOf(failed) == "runtime") }()
	files, err := s.prepareAll(ctx, &g)
	if err != nil {
		return Answer{}, err
	}
	p, err := s.plan(ctx, &g, req, files)
	if err != nil {
		return Answer{}, err
	}
	ans := Answer{QueryID: uuid.Must(uuid.NewV7()).String()}
	if p.dp != nil {
		limit := CostOf(g.DP.Epsilon, g.DP.Delta)
		left, err := s.cfg.Budget.Spend(ctx, g.ID, p.dp.cost, limit)
		if err != nil {
			return Answer{}, err
		}
		eps, delta := left.Epsilon(), left.Delta()
		ans.EpsilonSpent, ans.DeltaSpent, ans.EpsilonLeft, ans.DeltaLeft = p.dp.cost.Epsilon(), p.dp.cost.Delta(), &eps, &delta
		ans.Notes = append(ans.Notes, "dp: counts, sums and averages carry discrete Laplace noise; groups whose noisy count of units is below the threshold are left out, and how many is not disclosed")
	}
	sess, err := s.session(ctx, &g, files)
	if err != nil {
		return Answer{}, err
	}
	sess.mu.Lock()
	defer sess.mu.Unlock()
	qctx, cancel := context.WithTimeout(ctx, l.Timeout)
	defer cancel()
	if failed = s.run(qctx, sess, &g, p, &ans); failed != nil {
		return Answer{}, failed
	}
	ans.Record = Record{QueryID: ans.QueryID, GrantID: g.ID, Rule: g.Rule, SQLSHA256: p.sqlHash, Rows: len(ans.Rows),
		Suppressed: ans.Suppressed}
	if p.dp != nil {
		ans.Record.MicroEpsilon, ans.Record.FemtoDelta = p.dp.cost.MicroEpsilon, p.dp.cost.FemtoDelta
	}
	if g.Rule == Review {
		res, err := StoreResult(s.cfg.Dir, g.OrgID, ans.QueryID, ans.Columns, ans.Rows)
		if err != nil {
			return Answer{}, err
		}
		ans.Record.Rows, ans.Record.ResultSHA256 = res.Rows, res.SHA256
		ans.Rows, ans.Result = nil, &res
		ans.Notes = append(ans.Notes, "review: the result is kept in the domain until a reviewer of the implementing unit releases it")
	}
	return ans, nil
}

func (s *Sandbox) prepareAll(ctx context.Context, g *Grant) (map[string]prepared, error) {
	s.prepMu.Lock()
	defer s.prepMu.Unlock()
	out := map[string]prepared{}
	for _, d := range g.Datasets {
		f, ok := s.files[d.Version.ID]
		if !ok {
			var err error
			if f, err = s.prep.prepare(ctx, d); err != nil {
				return nil, errs.Wrap(err, "the dataset version %s could not be opened", d.Version.ID)
			}
			s.files[d.Version.ID] = f
		}
		out[d.Name] = f
	}
	return out, nil
}

// session returns the grant's session, opening a new one when the grant's
// views changed.
func (s *Sandbox) session(ctx context.Context, g *Grant, files map[string]prepared) (*session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := fingerprint(g, files)
	if sess, ok := s.sessions[g.ID]; ok {
		if sess.key == key {
			return sess, nil
		}
		sess.mu.Lock()
		sess.close()
		sess.mu.Unlock()
	}
	var sess *session
	var err error
	if s.cfg.Postgres != nil {
		var pg *pgGrant
		if pg, err = openPGGrant(ctx, s.cfg.Postgres, g, files); err == nil {
			sess = &session{key: key, pg: pg}
		}
	} else {
		sess, err = openSession(ctx, g, files, filepath.Join(s.cfg.Dir, "sandbox", "spill"))
	}
	if err != nil {
		return nil, errs.Wrap(err, "the grant's engine could not start")
	}
	s.sessions[g.ID] = sess
	return sess, nil
}

// heldGroups is how many groups a query may leave in the temporary tables
// of its session. Each query replaces the tables of the one before
// (CREATE OR REPLACE), and analysts cannot name them; dropping them at
// once costs a round trip to the engine, worth it only to give the memory
// of many groups back.
const heldGroups = 10_000

// run executes a plan and fills the answer.
func (s *Sandbox) run(ctx context.Context, sess *session, g *Grant, p *Plan, ans *Answer) error {
	held, unknown := 0, false
	defer func() {
		if !unknown && held <= heldGroups && sess.pg == nil {
			return
		}
		for _, ap := range p.aggs {
			sess.drop(ap.node.temp)
			if p.dp != nil {
				sess.drop(noisedName(ap.node))
			}
		}
	}()
	var fresh []*UnitSet
	for _, ap := range p.aggs {
		unknown = true // until the groups are read
		if err := sess.materialize(ctx, ap.node.temp, ap.inner); err != nil {
			return err
		}
		if p.dp != nil {
			n, err := s.noise(ctx, sess, p.dp, ap.node.temp, noisedName(ap.node))
			if err != nil {
				return err
			}
			held, unknown = held+n, false
			continue
		}
		sets, suppressed, n, err := s.groups(ctx, sess, g, ap, ans.QueryID, p.universe)
		if errors.Is(err, errStraddles) {
			if err = sess.materialize(ctx, ap.node.temp, ap.exact); err == nil {
				sets, suppressed, n, err = s.groups(ctx, sess, g, ap, ans.QueryID, p.universe)
			}
		}
		if err != nil {
			return err
		}
		held, unknown = held+n, false
		fresh = append(fresh, sets...)
		ans.Suppressed += suppressed
	}
	filled, err := audit(ctx, s.cfg.Audit, fresh, int64(g.k()), sess.lister)
	if err != nil {
		return err
	}
	l := g.Limits.withDefaults()
	cols, rows, err := sess.query(ctx, p.final, l.MaxRows+1)
	if err != nil {
		return err
	}
	if len(rows) > l.MaxRows {
		e := errs.E(errs.TooLarge, "the answer has more than %d rows, the grant's limit; aggregate more or add LIMIT", l.MaxRows)
		e.Details = map[string]any{"rule": "limits"}
		return e
	}
	for _, r := range rows {
		for i := range r {
			r[i] = plain(r[i])
		}
	}
	ans.Columns, ans.Rows = cols, rows
	if ans.Rows == nil {
		ans.Rows = [][]any{}
	}
	if err := s.cfg.Audit.Fill(ctx, filled); err != nil {
		return err
	}
	return s.cfg.Audit.Keep(ctx, fresh)
}

// errStraddles says that a group's bounds on its units straddle k: its
// units must be counted exactly to decide it.
var errStraddles = errors.New("sandbox: a group's bounds straddle k")

// groups reads the groups of a materialized aggregation, counts those
// below the threshold, and returns the unit sets of those released and
// the number of groups. Where the units column bounds the units from
// below (highCol bounding them from above), a group whose bounds straddle
// k gives errStraddles.
func (s *Sandbox) groups(ctx context.Context, sess *session, g *Grant, ap *aggPlan, queryID string, universe map[string]int64) (sets []*UnitSet, suppressed, n int, err error) {
	agg := ap.node
	var cols []string
	for i := range agg.groups {
		cols = append(cols, ident(groupCol(i)))
	}
	for u := range agg.units {
		cols = append(cols, ident(unitsCol(u)), ident(sharedCol(u)))
	}
	if ap.exact != "" {
		cols = append(cols, ident(highCol))
	}
	if len(cols) == 0 {
		return nil, 0, 1, nil
	}
	rows, err := sess.read(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+ident(agg.temp))
	if err != nil {
		return nil, 0, 0, err
	}
	k := int64(g.k())
	ng, nu := len(agg.groups), len(agg.units)
	// low, high: the bounds on the units of unit column u of a row
	bounds := func(r []any, u int) (low, high int64) {
		low, high = toInt(r[ng+2*u]), toInt(r[ng+2*u])
		if ap.exact != "" {
			high = toInt(r[ng+2*nu])
		}
		return low, high
	}
	unions := make([]*UnitSet, nu)
	exclusive := make([]int64, nu) // units in one group only, at least
	now := time.Now().UTC()
	for u, unit := range agg.units {
		unions[u] = &UnitSet{GrantID: g.ID, QueryID: queryID, At: now, Version: g.dataset(unit.dataset).Version.ID, Def: ap.def,
			Extract: ap.extract, Unit: u, Universe: universe[unit.dataset]}
	}
	for _, r := range rows {
		ok := true
		for u := range agg.units {
			low, high := bounds(r, u)
			if low < k && high >= k {
				return nil, 0, 0, errStraddles
			}
			ok = ok && low >= k
		}
		if !ok {
			suppressed++
			continue
		}
		key := keyHash(r[:ng])
		for u := range agg.units {
			low, high := bounds(r, u)
			shared, card := toInt(r[ng+2*u+1]), low
			if low != high {
				card = -1
			}
			sets = append(sets, &UnitSet{GrantID: g.ID, QueryID: queryID, At: now, Version: unions[u].Version, Def: ap.def, Key: key,
				Card: card, Low: low, High: high, Shared: shared, Extract: ap.extract, Unit: u, Universe: unions[u].Universe})
			un := unions[u]
			un.Keys = append(un.Keys, key)
			un.Low = max(un.Low, low)
			exclusive[u] += max(low-shared, 0)
			un.High += high
			un.Shared += shared
		}
	}
	for u, un := range unions {
		if len(un.Keys) < 2 {
			continue // one group: its set is the coverage
		}
		// the groups' units less those that may be in other groups are
		// in one group each; the largest group is in the coverage whole
		un.Low = max(un.Low, exclusive[u])
		un.Card = -1
		if un.Low == un.High {
			un.Card = un.Low
		}
		sets = append(sets, un)
	}
	return sets, suppressed, len(rows), nil
}

// lister lists the units of each group by running an extraction statement.
func (sess *session) lister(ctx context.Context, stmt string) (map[int]map[string]*roaring.Bitmap, error) {
	cols, rows, err := sess.query(ctx, stmt, -1)
	if err != nil {
		return nil, err
	}
	out := map[int]map[string]*roaring.Bitmap{}
	nu := 0
	for _, c := range cols {
		if strings.HasPrefix(c, reserved+"_k") {
			nu++
		}
	}
	ng := len(cols) - nu
	for _, r := range rows {
		key := keyHash(r[:ng])
		for u := 0; u < nu; u++ {
			if out[u] == nil {
				out[u] = map[string]*roaring.Bitmap{}
			}
			b := roaring.New()
			l, _ := r[ng+u].([]any)
			for _, x := range l {
				if v, ok := x.(int64); ok && v >= 0 && v <= 1<<32-1 {
					b.Add(uint32(v))
				}
			}
			out[u][key] = b
		}
	}
	return out, nil
}

// noise draws the dp noise of every group and writes the released groups;
// it returns the number of groups.
func (s *Sandbox) noise(ctx context.Context, sess *session, p *dpPlan, exact, noised string) (int, error) {
	cols := []string{"__shuyu_row"}
	for _, q := range p.quant {
		cols = append(cols, q.col)
	}
	rows, err := sess.read(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+ident(exact))
	if err != nil {
		return 0, err
	}
	smp := sampler{r: s.cfg.Random}
	var released []int64
	var noise [][]int64
	for _, r := range rows {
		vals := make([]int64, len(p.quant))
		for i := range vals {
			vals[i] = toInt(r[1+i])
		}
		z, ok := p.draw(smp, vals)
		if ok {
			released = append(released, toInt(r[0]))
			noise = append(noise, z)
		}
	}
	return len(rows), sess.materialize(ctx, noised, p.noisedSQL(ident(exact), released, noise))
}

func toInt(v any) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case int32:
		return int64(v)
	case uint64:
		return int64(v)
	case float64:
		return int64(v)
	}
	return 0
}

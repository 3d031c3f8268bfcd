package sandbox

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"time"

	"shuyu/internal/errs"
)

// Rule is the analysis rule of a grant (SPEC §3).
type Rule string

const (
	// Aggregate answers only aggregates over groups of at least K privacy
	// units, and refuses answers that differ from earlier ones by fewer
	// than K units.
	Aggregate Rule = "aggregate"
	// DP answers aggregates with secure discrete noise, within a hard
	// privacy budget.
	DP Rule = "dp"
	// List answers rows of output columns, masked, and thresholded
	// aggregates of the rest.
	List Rule = "list"
	// Review runs any SELECT over granted columns and keeps the result in
	// the domain until a reviewer releases it.
	Review Rule = "review"
)

// article names the rule with its article, for messages.
func (r Rule) article() string {
	if r == Aggregate {
		return "an aggregate"
	}
	return "a " + string(r)
}

// Role says where a column may appear in a query.
type Role string

const (
	// Output columns may appear in results (after masking).
	Output Role = "output"
	// Dimension columns may be grouped by and filtered on.
	Dimension Role = "dimension"
	// Measure columns may appear only inside aggregates, with arithmetic.
	Measure Role = "measure"
	// Filter columns may appear only in comparisons in WHERE.
	Filter Role = "filter"
	// Join columns may appear only in equality join conditions.
	Join Role = "join"
	// PrivacyUnit columns identify a person or an enterprise: joins and
	// COUNT / COUNT DISTINCT only.
	PrivacyUnit Role = "privacy_unit"
	// None columns are invisible: the views of the grant do not have them.
	None Role = "none"
)

var roles = []Role{Output, Dimension, Measure, Filter, Join, PrivacyUnit, None}

// Grant is what a grant says, independently of how it is stored: the
// datasets it covers with a role (and a mask) per column, the rule and its
// parameters, and the limits of the sandbox session.
type Grant struct {
	ID string `json:"id"`
	// OrgID is the operator's organization: review results are kept in its
	// workspace.
	OrgID    string    `json:"org_id"`
	Rule     Rule      `json:"rule"`
	Datasets []Dataset `json:"datasets"`
	// K is the least number of distinct privacy units of every dataset
	// behind an answered group; 0 means DefaultK.
	K int `json:"k"`
	// AllowMinMax allows MIN, MAX and MEDIAN of measures, which are one
	// unit's value.
	AllowMinMax bool `json:"allow_min_max"`
	// DP is required for the dp rule.
	DP     *DPSpec `json:"dp,omitempty"`
	Limits Limits  `json:"limits"`
}

// DefaultK is the group threshold when a grant sets none.
const DefaultK = 10

// Dataset is one dataset of a grant.
type Dataset struct {
	// Name is the catalog name analysts write as a table name.
	Name string `json:"name"`
	// PrivacyUnit names the column that identifies a person or an
	// enterprise (the catalog's privacy-unit field).
	PrivacyUnit string `json:"privacy_unit"`
	// Version is the immutable version the grant reads.
	Version Version  `json:"version"`
	Columns []Column `json:"columns"`
	// RowFilter restricts the rows the grant sees; conditions are ANDed.
	// Its columns are columns of the dataset (role none when they are not
	// granted otherwise); never the privacy-unit column.
	RowFilter []Condition `json:"row_filter,omitempty"`
}

// Version names a stored dataset version and its Parquet file in the domain
// (domain.Domain.File gives the path).
type Version struct {
	ID   string `json:"id"`
	Path string `json:"path"`
}

// Column is a column of a dataset with its role in the grant.
type Column struct {
	Name string `json:"name"`
	// Type is the catalog field type (text, integer, decimal, date,
	// timestamp, boolean).
	Type string `json:"type"`
	Role Role   `json:"role"`
	Mask Mask   `json:"mask,omitzero"`
}

// DPSpec is the differential-privacy part of a dp grant.
type DPSpec struct {
	// Epsilon and Delta are the grant's total budget; it never refreshes.
	Epsilon float64 `json:"epsilon"`
	Delta   float64 `json:"delta"`
	// QueryEpsilon is what a query costs when it names no cost of its own;
	// QueryDelta what each query spends of Delta (for group selection).
	QueryEpsilon float64 `json:"query_epsilon"`
	QueryDelta   float64 `json:"query_delta"`
	// Bounds are the declared per-unit contribution bounds of each measure
	// that SUM or AVG may use: one unit's total in a group is clamped to
	// [Lower, Upper], in whole units of the measure.
	Bounds map[string]Bound `json:"bounds"`
	// RowsPerUnit caps how many rows of one unit COUNT(*) counts in a group
	// (default 1); GroupsPerUnit how many groups one unit may add to
	// (default 1).
	RowsPerUnit   int `json:"rows_per_unit"`
	GroupsPerUnit int `json:"groups_per_unit"`
}

// Bound is a declared contribution bound.
type Bound struct {
	Lower int64 `json:"lower"`
	Upper int64 `json:"upper"`
}

// Limits bound one grant's use of the engine.
type Limits struct {
	// MaxRows is the largest answer; default 10,000 rows.
	MaxRows int `json:"max_rows"`
	// Timeout is the longest a query may run; default 30 s.
	Timeout time.Duration `json:"timeout"`
	// QueriesPerHour; default 600.
	QueriesPerHour int `json:"queries_per_hour"`
	// EngineTimePerHour is the engine time (wall time times threads) the
	// grant may use per hour; default 10 minutes.
	EngineTimePerHour time.Duration `json:"engine_time_per_hour"`
	// RuntimeErrorsPerHour is how many queries may fail while running;
	// default 10.
	RuntimeErrorsPerHour int `json:"runtime_errors_per_hour"`
	// Memory is the session's DuckDB memory limit; default 512MB.
	Memory string `json:"memory"`
	// Threads of the session's engine; default 2.
	Threads int `json:"threads"`
}

func (l Limits) withDefaults() Limits {
	if l.MaxRows <= 0 {
		l.MaxRows = 10_000
	}
	if l.Timeout <= 0 {
		l.Timeout = 30 * time.Second
	}
	if l.QueriesPerHour <= 0 {
		l.QueriesPerHour = 600
	}
	if l.EngineTimePerHour <= 0 {
		l.EngineTimePerHour = 10 * time.Minute
	}
	if l.RuntimeErrorsPerHour <= 0 {
		l.RuntimeErrorsPerHour = 10
	}
	if l.Memory == "" {
		l.Memory = "512MB"
	}
	if l.Threads <= 0 {
		l.Threads = 2
	}
	return l
}

func (g Grant) k() int {
	if g.K <= 0 {
		return DefaultK
	}
	return g.K
}

var (
	nameRE   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	memoryRE = regexp.MustCompile(`^[0-9]{1,6}(KB|MB|GB)$`)
	segment  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$`)
	// orgID is what the domain accepts as a workspace name.
	orgID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,63}$`)
	types = []string{"text", "integer", "decimal", "date", "timestamp", "boolean"}
)

// Validate checks that the grant is complete and coherent; the error names
// the part at fault.
func (g Grant) Validate() error {
	bad := func(format string, args ...any) error {
		return errs.E(errs.Invalid, "grant %s: "+format, append([]any{g.ID}, args...)...)
	}
	if !segment.MatchString(g.ID) || !orgID.MatchString(g.OrgID) {
		return bad("the grant ID must be letters, digits, '-' or '_', the organization ID letters, digits or '-' (a workspace name)")
	}
	switch g.Rule {
	case Aggregate, List, Review:
	case DP:
		if err := g.DP.validate(); err != nil {
			return bad("%v", err)
		}
	default:
		return bad("rule %q is not one of aggregate, dp, list, review", g.Rule)
	}
	if g.K < 0 || g.K > 1_000_000 {
		return bad("k must be between 1 and 1,000,000")
	}
	if len(g.Datasets) == 0 {
		return bad("a grant covers at least one dataset")
	}
	if g.Limits.Memory != "" && !memoryRE.MatchString(g.Limits.Memory) {
		return bad("memory limit %q is not like 512MB", g.Limits.Memory)
	}
	seen := map[string]bool{}
	for _, d := range g.Datasets {
		if !nameRE.MatchString(d.Name) || seen[d.Name] {
			return bad("dataset name %q is not a catalog name or is named twice", d.Name)
		}
		seen[d.Name] = true
		if err := d.validate(); err != nil {
			return bad("dataset %s: %v", d.Name, err)
		}
	}
	if g.Rule == DP {
		for m := range g.DP.Bounds {
			if !g.hasRole(m, Measure) {
				return bad("dp bounds name %s, which is not a measure of the grant", m)
			}
		}
	}
	return nil
}

func (d Dataset) validate() error {
	if d.Version.ID == "" || d.Version.Path == "" {
		return fmt.Errorf("the version and its file must be named")
	}
	if !segment.MatchString(d.Version.ID) {
		return fmt.Errorf("version ID %q must be letters, digits, '-' or '_'", d.Version.ID)
	}
	cols := map[string]Column{}
	for _, c := range d.Columns {
		if !nameRE.MatchString(c.Name) || cols[c.Name].Name != "" {
			return fmt.Errorf("column name %q is not a field name or is named twice", c.Name)
		}
		if !slices.Contains(roles, c.Role) {
			return fmt.Errorf("column %s: role %q is not one of %v", c.Name, c.Role, roles)
		}
		if !slices.Contains(types, c.Type) {
			return fmt.Errorf("column %s: type %q is not a catalog field type", c.Name, c.Type)
		}
		if err := c.Mask.validate(c.Type); err != nil {
			return fmt.Errorf("column %s: %v", c.Name, err)
		}
		cols[c.Name] = c
	}
	pu, ok := cols[d.PrivacyUnit]
	if !ok {
		return fmt.Errorf("the privacy-unit column %q must be one of its columns", d.PrivacyUnit)
	}
	if pu.Mask.Kind != "" && pu.Role != None && pu.Role != Output {
		return fmt.Errorf("the privacy-unit column cannot be masked while it joins")
	}
	for i, c := range d.RowFilter {
		col, ok := cols[c.Column]
		switch {
		case !ok:
			return fmt.Errorf("row filter %d: %q is not a column of the dataset", i, c.Column)
		case c.Column == d.PrivacyUnit:
			return fmt.Errorf("row filter %d: a row filter names a population, never units by their privacy-unit column %s", i, c.Column)
		}
		n, err := c.Check(col.Type)
		if err != nil {
			return fmt.Errorf("row filter %d on %s: %v", i, c.Column, err)
		}
		if n.Op != c.Op || !slices.Equal(n.Values, c.Values) {
			return fmt.Errorf("row filter %d on %s: not in canonical form (Condition.Check gives it)", i, c.Column)
		}
	}
	return nil
}

func (p *DPSpec) validate() error {
	if p == nil {
		return fmt.Errorf("a dp grant needs its dp parameters")
	}
	for _, v := range []float64{p.Epsilon, p.QueryEpsilon} {
		if !(v > 0 && v <= 100) || math.IsNaN(v) {
			return fmt.Errorf("epsilon and query epsilon must be in (0, 100]")
		}
	}
	if p.QueryEpsilon > p.Epsilon {
		return fmt.Errorf("the query epsilon cannot exceed the total")
	}
	if !(p.Delta > 0 && p.Delta < 1e-3) || !(p.QueryDelta > 0 && p.QueryDelta <= p.Delta) {
		return fmt.Errorf("delta must be in (0, 0.001) and the query delta in (0, delta]: groups are selected with a noisy threshold")
	}
	for m, b := range p.Bounds {
		if b.Lower > b.Upper || b.Lower < -1e12 || b.Upper > 1e12 {
			return fmt.Errorf("bounds of %s: lower must not exceed upper, both within ±10^12", m)
		}
	}
	if p.RowsPerUnit < 0 || p.RowsPerUnit > 1000 || p.GroupsPerUnit < 0 || p.GroupsPerUnit > 1000 {
		return fmt.Errorf("rows and groups per unit must be between 1 and 1000")
	}
	return nil
}

func (p *DPSpec) rowsPerUnit() int64   { return int64(max(p.RowsPerUnit, 1)) }
func (p *DPSpec) groupsPerUnit() int64 { return int64(max(p.GroupsPerUnit, 1)) }

func (g Grant) hasRole(column string, r Role) bool {
	for _, d := range g.Datasets {
		for _, c := range d.Columns {
			if c.Name == column && c.Role == r {
				return true
			}
		}
	}
	return false
}

func (g Grant) dataset(name string) *Dataset {
	for i := range g.Datasets {
		if g.Datasets[i].Name == name {
			return &g.Datasets[i]
		}
	}
	return nil
}

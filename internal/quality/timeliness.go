package quality

import (
	"slices"
	"time"

	"shuyu/internal/catalog"
)

// Timeliness judges an entry's current version against its declared update
// frequency (Art. 7: 及时性).
type Timeliness struct {
	Frequency catalog.Frequency `json:"frequency"`
	// PeriodDays is how long a version stays timely; 0 for irregular
	// entries, which are never late once they have a version.
	PeriodDays float64 `json:"period_days"`
	// VersionAt is when the current version was stored; null without one.
	VersionAt *time.Time `json:"version_at"`
	// DueAt is when the current version becomes late; null when it never does.
	DueAt   *time.Time `json:"due_at,omitempty"`
	AgeDays float64    `json:"age_days"`
	Late    bool       `json:"late"`
	// Score is 100 while the version is within its period, falls linearly
	// to 0 over one more period (an update missed entirely), and is 0
	// without a version.
	Score float64 `json:"score"`
}

// timeliness judges a version stored at versionAt (nil: none) at now.
func timeliness(f catalog.Frequency, versionAt *time.Time, now time.Time) Timeliness {
	period := f.Period()
	t := Timeliness{Frequency: f, PeriodDays: period.Hours() / 24, VersionAt: versionAt}
	if versionAt == nil {
		t.Late = true
		return t
	}
	age := now.Sub(*versionAt)
	t.AgeDays = round(age.Hours() / 24)
	if period == 0 {
		t.Score = 100
		return t
	}
	due := versionAt.Add(period)
	t.DueAt = &due
	switch {
	case age <= period:
		t.Score = 100
	case age >= 2*period:
		t.Late = true
	default:
		t.Late = true
		t.Score = round(100 * (1 - float64(age-period)/float64(period)))
	}
	return t
}

// freshShare is the share of the window [from, to) during which some
// version was within its period: the update timeliness of an entry over an
// evaluation period. versions are the times versions were stored.
func freshShare(period time.Duration, versions []time.Time, from, to time.Time) float64 {
	if !to.After(from) {
		return 1
	}
	covered := time.Duration(0)
	// Versions come in any order; walk the window in order of their starts.
	starts := make([]time.Time, 0, len(versions))
	for _, v := range versions {
		if v.Before(to) {
			starts = append(starts, v)
		}
	}
	slices.SortFunc(starts, time.Time.Compare)
	cursor := from
	for _, s := range starts {
		end := to
		if period > 0 && s.Add(period).Before(to) {
			end = s.Add(period)
		}
		if s.After(cursor) {
			cursor = s
		}
		if end.After(cursor) {
			covered += end.Sub(cursor)
			cursor = end
		}
	}
	return float64(covered) / float64(to.Sub(from))
}

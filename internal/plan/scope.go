package plan

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// Plans, announcements and agreements keep their data scope alike: rows of
// (owner, dataset_id, name, title, provider_id, provider), the entries as
// they stood when written. These read and write such rows.

// ReadScope reads a data scope: query selects dataset_id, name, title,
// provider_id and provider for the one argument owner, by name.
func ReadScope(ctx context.Context, q store.Querier, query, owner string) ([]Dataset, error) {
	rows, err := q.Query(ctx, query, owner)
	if err != nil {
		return nil, fmt.Errorf("data scope of %s: %w", owner, err)
	}
	defer rows.Close()
	out := []Dataset{}
	for rows.Next() {
		var d Dataset
		if err := rows.Scan(&d.ID, &d.Name, &d.Title, &d.ProviderID, &d.Provider); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SaveScope keeps ds as owner's scope with insert, a statement whose six
// placeholders take the owner, the dataset ID, name, title, provider ID
// and provider.
func SaveScope(ctx context.Context, tx *store.Tx, insert, owner string, ds []Dataset) error {
	for _, d := range ds {
		if _, err := tx.Exec(ctx, insert, owner, d.ID, d.Name, d.Title, d.ProviderID, d.Provider); err != nil {
			return fmt.Errorf("data scope of %s: %w", owner, err)
		}
	}
	return nil
}

// IDs returns the IDs of a data scope.
func IDs(ds []Dataset) []string {
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	return ids
}

// Pick resolves refs (IDs or names) among the plan's data scope, in the
// order given: what is drafted under a plan (an announcement, an
// agreement) never reaches beyond it.
func (p Plan) Pick(refs []string) ([]Dataset, error) {
	out := []Dataset{}
	for _, ref := range refs {
		ref = strings.TrimSpace(ref)
		i := slices.IndexFunc(p.Datasets, func(d Dataset) bool { return d.ID == ref || d.Name == ref })
		switch {
		case i < 0:
			return nil, errs.E(errs.Invalid, "datasets: %q is not in the data scope of the plan %s (version %d)", ref, p.Title, p.Version)
		case slices.ContainsFunc(out, func(d Dataset) bool { return d.ID == p.Datasets[i].ID }):
			return nil, errs.E(errs.Invalid, "datasets: %s is named twice", p.Datasets[i].Name)
		}
		out = append(out, p.Datasets[i])
	}
	if len(out) == 0 {
		return nil, errs.E(errs.Invalid, "datasets: name at least one entry of the plan's data scope")
	}
	return out, nil
}

// Outside names those of ds that the plan's scope does not hold: a later
// version of a plan may narrow what was drafted under an earlier one.
func (p Plan) Outside(ds []Dataset) []string {
	var out []string
	for _, d := range ds {
		if !slices.ContainsFunc(p.Datasets, func(x Dataset) bool { return x.ID == d.ID }) {
			out = append(out, d.Name)
		}
	}
	return out
}

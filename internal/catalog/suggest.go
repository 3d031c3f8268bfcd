package catalog

import (
	"context"
	"slices"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/store"
)

// Suggest keeps the detector's suggestions for a version of an entry,
// leaving out those the entry already follows, and returns what it kept.
func (s *Service) Suggest(ctx context.Context, datasetID, versionID string, found []Suggestion) ([]Suggestion, error) {
	var kept []Suggestion
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		d, err := getDataset(ctx, tx, datasetID, "")
		if err != nil {
			return err
		}
		for _, sg := range found {
			if f, ok := d.Field(sg.Field); ok && f.Classification == sg.Classification && s.scheme.grades[f.Grade].Rank >= s.scheme.grades[sg.Grade].Rank {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO dataset_suggestions (dataset_id, version_id, field, detector, classification, grade, share, sampled)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, datasetID, versionID, sg.Field, sg.Detector, sg.Classification, sg.Grade, sg.Share, sg.Sampled); err != nil {
				return err
			}
			kept = append(kept, sg)
		}
		return nil
	})
	slices.SortFunc(kept, func(a, b Suggestion) int { return strings.Compare(a.Field, b.Field) })
	return kept, err
}

// Suggestions returns what the detector suggested for the entry's latest
// version that has suggestions, for those who may read the entry.
func (s *Service) Suggestions(ctx context.Context, p access.Principal, ref string) ([]Suggestion, error) {
	d, err := s.Get(ctx, p, ref)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT field, detector, classification, grade, share, sampled FROM dataset_suggestions
		WHERE dataset_id = $1 AND version_id = (SELECT MAX(version_id) FROM dataset_suggestions WHERE dataset_id = $1) ORDER BY field`, d.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Suggestion{}
	for rows.Next() {
		var sg Suggestion
		if err := rows.Scan(&sg.Field, &sg.Detector, &sg.Classification, &sg.Grade, &sg.Share, &sg.Sampled); err != nil {
			return nil, err
		}
		out = append(out, sg)
	}
	return out, rows.Err()
}

package product

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

// Publication is a product version as it was published, from PublishedAt
// until EndedAt (nil while still published).
type Publication struct {
	PublicProduct
	Version     int        `json:"version"`
	PublishedAt time.Time  `json:"published_at"`
	EndedAt     *time.Time `json:"ended_at,omitempty"`
}

// published keeps product_publications in step with product id's move
// from `from` to `to`, in the transition's transaction (after its write):
// publishing records the version as now written, leaving published ends
// the open record. Every transition goes through here, so that no
// publication is left open by a path that forgot it.
func published(ctx context.Context, tx *store.Tx, id string, from, to fsm.State, now time.Time) error {
	switch {
	case from == Published && to != Published:
		_, err := tx.Exec(ctx, `UPDATE product_publications SET ended_at = $1 WHERE product_id = $2 AND ended_at IS NULL`, now, id)
		return err
	case from != Published && to == Published:
		pr, err := getProduct(ctx, tx, id, "")
		if err != nil {
			return err
		}
		_, specJSON, err := encode(pr)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO product_publications (product_id, version, name, type, scenario, price_category, spec,
			registration_code, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			pr.ID, pr.Version, pr.Name, string(pr.Type), pr.Scenario, pr.PriceCategory, specJSON, pr.Registration.Code, now)
		return err
	}
	return nil
}

// PublishedDuring lists the products published at some time in [from, to),
// newest first, each with the facts of its last version published in that
// period: a product deregistered since is listed with what it was, and a
// change awaiting review never shows. It needs no principal: these are
// public facts (Art. 25), as Public gives them.
func (s *Service) PublishedDuring(ctx context.Context, from, to time.Time) ([]Publication, error) {
	rows, err := s.db.Query(ctx, `SELECT u.product_id, u.version, u.name, u.type, u.scenario, u.price_category, u.spec, u.published_at, u.ended_at,
		p.operator_id, o.name, p.agreement_id, p.registration_code, p.registered_at, p.valid_until, p.exchange, p.listing_id
		FROM product_publications u JOIN products p ON p.id = u.product_id JOIN organizations o ON o.id = p.operator_id
		WHERE u.published_at < $1 AND (u.ended_at IS NULL OR u.ended_at >= $2) ORDER BY u.product_id DESC, u.version DESC`, to, from)
	if err != nil {
		return nil, fmt.Errorf("product: published during: %w", err)
	}
	defer rows.Close()
	var out []Publication
	for rows.Next() {
		var (
			pr                 Product
			pub                Publication
			specJSON           string
			ended              sql.NullTime
			code               sql.NullString
			registered, expiry sql.NullTime
		)
		if err := rows.Scan(&pr.ID, &pub.Version, &pr.Name, &pr.Type, &pr.Scenario, &pr.PriceCategory, &specJSON, &pub.PublishedAt, &ended,
			&pr.OperatorID, &pr.Operator, &pr.AgreementID, &code, &registered, &expiry, &pr.Exchange, &pr.ListingID); err != nil {
			return nil, err
		}
		if len(out) > 0 && out[len(out)-1].ID == pr.ID {
			continue // an earlier version of the same product
		}
		if err := decodeSpec(&pr, specJSON); err != nil {
			return nil, err
		}
		if code.Valid {
			pr.Registration = &Registration{Code: code.String, RegisteredAt: registered.Time.UTC(), ValidUntil: expiry.Time.UTC()}
		}
		pub.PublishedAt = pub.PublishedAt.UTC()
		pr.UpdatedAt = pub.PublishedAt
		if ended.Valid {
			t := ended.Time.UTC()
			pub.EndedAt = &t
		}
		pub.PublicProduct = publicOf(pr)
		out = append(out, pub)
	}
	return out, rows.Err()
}

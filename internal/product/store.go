package product

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

// spec is what products.spec keeps.
type spec struct {
	API       *APISpec `json:"api,omitempty"`
	ReleaseID string   `json:"release_id,omitempty"`
}

const productColumns = `p.id, p.name, p.type, p.operator_id, o.name, p.agreement_id, p.unit_id, p.jurisdiction_id, p.scenario,
	p.price_category, p.grant_ids, p.spec, p.state, p.version, p.registration_code, p.registered_at, p.valid_until, p.exchange, p.listing_id,
	p.review_comment, p.created_by, p.created_at, p.updated_at`

const productFrom = ` FROM products p JOIN organizations o ON o.id = p.operator_id`

func scanProduct(row interface{ Scan(...any) error }) (Product, error) {
	var (
		pr                 Product
		grants, specJSON   string
		state              string
		code               sql.NullString
		registered, expiry sql.NullTime
	)
	err := row.Scan(&pr.ID, &pr.Name, &pr.Type, &pr.OperatorID, &pr.Operator, &pr.AgreementID, &pr.UnitID, &pr.JurisdictionID, &pr.Scenario,
		&pr.PriceCategory, &grants, &specJSON, &state, &pr.Version, &code, &registered, &expiry, &pr.Exchange, &pr.ListingID,
		&pr.ReviewComment, &pr.CreatedBy, &pr.CreatedAt, &pr.UpdatedAt)
	if err != nil {
		return pr, err
	}
	pr.State = fsm.State(state)
	pr.CreatedAt, pr.UpdatedAt = pr.CreatedAt.UTC(), pr.UpdatedAt.UTC()
	if code.Valid {
		pr.Registration = &Registration{Code: code.String, RegisteredAt: registered.Time.UTC(), ValidUntil: expiry.Time.UTC()}
	}
	if err := json.Unmarshal([]byte(grants), &pr.GrantIDs); err != nil {
		return pr, fmt.Errorf("product %s: grant_ids: %w", pr.ID, err)
	}
	return pr, decodeSpec(&pr, specJSON)
}

// decodeSpec sets pr's declaration from a stored spec.
func decodeSpec(pr *Product, specJSON string) error {
	var sp spec
	if err := json.Unmarshal([]byte(specJSON), &sp); err != nil {
		return fmt.Errorf("product %s: spec: %w", pr.ID, err)
	}
	pr.API, pr.ReleaseID = sp.API, sp.ReleaseID
	return nil
}

func getProduct(ctx context.Context, q store.Querier, id, lock string) (Product, error) {
	pr, err := scanProduct(q.QueryRow(ctx, `SELECT `+productColumns+productFrom+` WHERE p.id = $1`+lock, id))
	if store.IsNoRows(err) {
		return pr, errs.E(errs.NotFound, "no product %q", id)
	}
	return pr, err
}

func insertProduct(ctx context.Context, tx *store.Tx, pr Product) error {
	grants, specJSON, err := encode(pr)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO products (id, operator_id, agreement_id, unit_id, jurisdiction_id, name, type, scenario, price_category,
		grant_ids, spec, state, version, exchange, listing_id, review_comment, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, '', '', '', $14, $15, $15)`,
		pr.ID, pr.OperatorID, pr.AgreementID, pr.UnitID, pr.JurisdictionID, pr.Name, string(pr.Type), pr.Scenario, pr.PriceCategory,
		grants, specJSON, string(pr.State), pr.Version, pr.CreatedBy, pr.CreatedAt)
	if store.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "name: the operator already has a product named %q; choose another name or change that one", pr.Name)
	}
	return err
}

// updateSpec stores a changed product's declaration and new version.
func updateSpec(ctx context.Context, tx *store.Tx, pr Product, to fsm.State, now time.Time) error {
	grants, specJSON, err := encode(pr)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE products SET scenario = $1, price_category = $2, grant_ids = $3, spec = $4, state = $5, version = $6,
		review_comment = '', updated_at = $7 WHERE id = $8`, pr.Scenario, pr.PriceCategory, grants, specJSON, string(to), pr.Version, now, pr.ID)
	return err
}

func encode(pr Product) (string, string, error) {
	g, err := json.Marshal(pr.GrantIDs)
	if err != nil {
		return "", "", err
	}
	sp, err := json.Marshal(spec{API: pr.API, ReleaseID: pr.ReleaseID})
	return string(g), string(sp), err
}

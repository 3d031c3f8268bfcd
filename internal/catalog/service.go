package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// Service keeps the catalog.
type Service struct {
	db     *store.DB
	ledger *ledger.Ledger
	ids    *identity.Service
	scheme *Scheme
}

// New returns the catalog service.
func New(db *store.DB, l *ledger.Ledger, ids *identity.Service, scheme *Scheme) *Service {
	return &Service{db: db, ledger: l, ids: ids, scheme: scheme}
}

// Scheme returns the classification tree and grading scheme in use.
func (s *Service) Scheme() *Scheme { return s.scheme }

// resource describes an entry of provider for access checks.
func (s *Service) resource(ctx context.Context, providerID string) (access.Resource, identity.Organization, error) {
	o, err := s.ids.Lookup(ctx, providerID)
	if err != nil {
		return access.Resource{}, o, err
	}
	return o.Resource(), o, nil
}

// Create adds an entry to the catalog of the provider (the caller's own
// organization unless ProviderID says otherwise).
func (s *Service) Create(ctx context.Context, p access.Principal, in Input) (Dataset, error) {
	var d Dataset
	provider := p.OrgID
	if in.ProviderID != nil {
		provider = *in.ProviderID
	}
	r, o, err := s.resource(ctx, provider)
	if errs.Is(err, errs.NotFound) {
		return d, errs.E(errs.Invalid, "provider_id: no organization %q", provider)
	}
	if err != nil {
		return d, err
	}
	if err := access.Check(p, access.CatalogWrite, r); err != nil {
		return d, err
	}
	if o.Kind != access.KindProvider {
		return d, errs.E(errs.Invalid, "provider_id: %s is a %s; catalog entries belong to provider units", o.Name, o.Kind)
	}
	if in.Name == nil {
		return d, errs.E(errs.Invalid, "name: required")
	}
	now := s.db.Now()
	d = Dataset{ID: store.NewID(), ProviderID: o.ID, ProviderName: o.Name, JurisdictionID: o.JurisdictionID, CreatedAt: now, UpdatedAt: now}
	if err := s.scheme.apply(&d, in); err != nil {
		return d, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		fields, _ := json.Marshal(d.Fields)
		_, err := tx.Exec(ctx, `INSERT INTO datasets (id, name, title, description, provider_id, frequency, privacy_unit, in_scope, grade, fields, revision, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			d.ID, d.Name, d.Title, d.Description, d.ProviderID, string(d.Frequency), d.PrivacyUnit, d.InScope, d.Grade, string(fields), 0, now, now)
		if store.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "name: a catalog entry named %q exists already", d.Name)
		}
		if err != nil {
			return err
		}
		return s.revise(ctx, tx, p, &d, "catalog.create", map[string]any{"name": d.Name, "grade": d.Grade, "in_scope": d.InScope})
	})
	return d, err
}

// Update edits an entry; the edit is a new revision, kept whole.
func (s *Service) Update(ctx context.Context, p access.Principal, id string, in Input) (Dataset, error) {
	var d Dataset
	if in.ProviderID != nil || in.Name != nil {
		return d, errs.E(errs.Invalid, "name and provider_id cannot change: analysts' queries and grants refer to them; create a new entry instead")
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if d, err = getDataset(ctx, tx, id, tx.ForUpdate()); err != nil {
			return err
		}
		r, _, err := s.resource(ctx, d.ProviderID)
		if err != nil {
			return err
		}
		if err := access.Check(p, access.CatalogWrite, r); err != nil {
			return err
		}
		before := d
		if err := s.scheme.apply(&d, in); err != nil {
			return err
		}
		d.UpdatedAt = s.db.Now()
		fields, _ := json.Marshal(d.Fields)
		if _, err := tx.Exec(ctx, `UPDATE datasets SET title = $1, description = $2, frequency = $3, privacy_unit = $4, in_scope = $5,
			grade = $6, fields = $7, updated_at = $8 WHERE id = $9`,
			d.Title, d.Description, string(d.Frequency), d.PrivacyUnit, d.InScope, d.Grade, string(fields), d.UpdatedAt, d.ID); err != nil {
			return err
		}
		return s.revise(ctx, tx, p, &d, "catalog.update", ledger.Diff(before, d))
	})
	return d, err
}

// revise numbers the new state of d as its next revision, keeps it, and
// records the act.
func (s *Service) revise(ctx context.Context, tx *store.Tx, p access.Principal, d *Dataset, action string, detail any) error {
	d.Revision++
	snapshot, _ := json.Marshal(d)
	if _, err := tx.Exec(ctx, `UPDATE datasets SET revision = $1 WHERE id = $2`, d.Revision, d.ID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO dataset_revisions (dataset_id, revision, snapshot, user_id, at) VALUES ($1, $2, $3, $4, $5)`,
		d.ID, d.Revision, string(snapshot), p.UserID, d.UpdatedAt); err != nil {
		return err
	}
	return s.ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: action, ObjectType: "dataset", ObjectID: d.ID, Detail: detail})
}

const datasetColumns = `d.id, d.name, d.title, d.description, d.provider_id, o.name, o.jurisdiction_id, d.frequency, d.privacy_unit,
	d.in_scope, d.grade, d.fields, d.revision, d.created_at, d.updated_at`

const datasetFrom = ` FROM datasets d JOIN organizations o ON o.id = d.provider_id`

func scanDataset(row interface{ Scan(...any) error }) (Dataset, error) {
	var (
		d         Dataset
		frequency string
		fields    string
	)
	err := row.Scan(&d.ID, &d.Name, &d.Title, &d.Description, &d.ProviderID, &d.ProviderName, &d.JurisdictionID, &frequency,
		&d.PrivacyUnit, &d.InScope, &d.Grade, &fields, &d.Revision, &d.CreatedAt, &d.UpdatedAt)
	if err != nil {
		return d, err
	}
	d.Frequency, d.CreatedAt, d.UpdatedAt = Frequency(frequency), d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(fields), &d.Fields); err != nil {
		return d, fmt.Errorf("catalog: fields of %s: %w", d.Name, err)
	}
	return d, nil
}

// getDataset finds an entry by ID or by name.
func getDataset(ctx context.Context, q store.Querier, ref, lock string) (Dataset, error) {
	// The lock clause cannot follow a join on PostgreSQL without naming the table.
	if lock != "" {
		lock += " OF d"
	}
	d, err := scanDataset(q.QueryRow(ctx, `SELECT `+datasetColumns+datasetFrom+` WHERE d.id = $1 OR d.name = $1`+lock, ref))
	if store.IsNoRows(err) {
		return d, errs.E(errs.NotFound, "no catalog entry %q", ref)
	}
	return d, err
}

// Get returns an entry by ID or name if p may see it.
func (s *Service) Get(ctx context.Context, p access.Principal, ref string) (Dataset, error) {
	d, err := getDataset(ctx, s.db, ref, "")
	if err != nil {
		return d, err
	}
	r, _, err := s.resource(ctx, d.ProviderID)
	if err != nil {
		return d, err
	}
	err = access.Check(p, access.CatalogRead, r)
	if err != nil && d.InScope && access.Check(p, access.CatalogBrowse, r) == nil {
		err = nil // an entry in the operation scope is browsable by those who may apply for it
	}
	return d, err
}

// List returns the entries p may see, by name.
func (s *Service) List(ctx context.Context, p access.Principal, page store.Page) ([]Dataset, string, error) {
	cond, args, err := s.visible(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return s.page(ctx, "("+cond+")", args, page)
}

// page returns the entries meeting cond (with args), by name, one page at a time.
func (s *Service) page(ctx context.Context, cond string, args []any, page store.Page) ([]Dataset, string, error) {
	args = append(args, page.After)
	rows, err := s.db.Query(ctx, `SELECT `+datasetColumns+datasetFrom+` WHERE `+cond+fmt.Sprintf(` AND d.name > $%d ORDER BY d.name LIMIT %d`, len(args), page.Limit+1), args...)
	if err != nil {
		return nil, "", fmt.Errorf("catalog: list: %w", err)
	}
	defer rows.Close()
	var out []Dataset
	for rows.Next() {
		d, err := scanDataset(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	out, next := store.Trim(out, page, func(d Dataset) string { return d.Name })
	return out, next, nil
}

// visible is the SQL condition on d (datasets) and o (providers) that keeps
// the entries p may read: all within the reach of CatalogRead, and those in
// the operation scope within the reach of CatalogBrowse.
func (s *Service) visible(ctx context.Context, p access.Principal) (string, []any, error) {
	var (
		conds []string
		args  []any
	)
	for _, a := range []access.Action{access.CatalogRead, access.CatalogBrowse} {
		var cond string
		switch access.Widest(p, a) {
		case 0:
			continue
		case access.Any:
			cond = "1 = 1"
		case access.Jurisdiction:
			ids, err := s.ids.Reach(ctx, p)
			if err != nil {
				return "", nil, err
			}
			cond = "o.jurisdiction_id IN (" + store.Placeholders(len(args)+1, len(ids)) + ")"
			for _, id := range ids {
				args = append(args, id)
			}
		default: // Org
			args = append(args, p.OrgID)
			cond = fmt.Sprintf("d.provider_id = $%d", len(args))
		}
		if a == access.CatalogBrowse {
			args = append(args, true)
			cond = fmt.Sprintf("(%s AND d.in_scope = $%d)", cond, len(args))
		}
		conds = append(conds, cond)
	}
	if len(conds) == 0 {
		return "", nil, access.Check(p, access.CatalogRead, access.Resource{})
	}
	return strings.Join(conds, " OR "), args, nil
}

// Revisions returns every revision of an entry, oldest first.
func (s *Service) Revisions(ctx context.Context, p access.Principal, ref string) ([]Dataset, error) {
	d, err := s.Get(ctx, p, ref)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT snapshot FROM dataset_revisions WHERE dataset_id = $1 ORDER BY revision`, d.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Dataset
	for rows.Next() {
		var snap string
		var rev Dataset
		if err := rows.Scan(&snap); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(snap), &rev); err != nil {
			return nil, err
		}
		out = append(out, rev)
	}
	return out, rows.Err()
}

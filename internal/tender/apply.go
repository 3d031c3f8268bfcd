package tender

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strings"
	"unicode/utf8"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

// AuthorizeSubmit checks that p may apply to announcement id at all, before
// anything of a request's body is read.
func (s *Service) AuthorizeSubmit(ctx context.Context, p access.Principal, id string) (Announcement, error) {
	a, err := getAnnouncement(ctx, s.db, id, "")
	if err != nil {
		return a, err
	}
	u, err := s.unitOf(ctx, a)
	if err != nil {
		return a, err
	}
	return a, access.Check(p, access.ApplicationSubmit, plan.CaseResource(u, p.OrgID, p.OrgKind, p.UserID))
}

// Submit files p's operator's application to announcement id: the seven
// Art. 13 declarations and the evidence files, streamed from uploads as
// they arrive. It is refused, with the reason, when applications are not
// open (after the deadline, say), when p's operator was not invited, or when
// it is incomplete. Submitting again before the deadline replaces the
// earlier application and its files.
func (s *Service) Submit(ctx context.Context, p access.Principal, id string, decls []Declaration, uploads iter.Seq2[Upload, error]) (Application, error) {
	a, err := s.AuthorizeSubmit(ctx, p, id)
	if err != nil {
		return Application{}, err
	}
	if err := s.open(a, p); err != nil {
		return Application{}, err
	}
	if decls, err = checkDeclarations(decls); err != nil {
		return Application{}, err
	}
	var files []staged
	defer func() { s.discard(files) }()
	for u, err := range uploads {
		if err != nil {
			return Application{}, err
		}
		if u.Item < 1 || u.Item > len(Requirements) {
			return Application{}, errs.E(errs.Invalid, "file %s: item %d: Art. 13 has items 1 to %d", u.Filename, u.Item, len(Requirements))
		}
		if len(files) == s.opts.MaxFiles {
			return Application{}, errs.E(errs.TooLarge, "more than %d evidence files; combine scans into fewer documents", s.opts.MaxFiles)
		}
		st, err := s.stage(u)
		if err != nil {
			return Application{}, err
		}
		files = append(files, st)
	}
	for _, r := range Requirements {
		if r.Evidence && !slices.ContainsFunc(files, func(f staged) bool { return f.Item == r.Item }) {
			return Application{}, errs.E(errs.Invalid, "incomplete: item %d (%s) needs at least one evidence file", r.Item, r.Text)
		}
	}
	var appID string
	var replaced []string // the files of the application replaced
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		a, err := getAnnouncement(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		if err := s.open(a, p); err != nil {
			return err
		}
		if appID, replaced, err = s.save(ctx, tx, a, p, decls, files); err != nil {
			return err
		}
		hashes := make([]map[string]any, len(files))
		for i, f := range files {
			hashes[i] = map[string]any{"item": f.Item, "filename": f.Filename, "bytes": f.Bytes, "sha256": f.SHA256}
		}
		return s.ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: "application.submit", ObjectType: "application", ObjectID: appID,
			Detail: map[string]any{"announcement_id": a.ID, "operator_id": p.OrgID, "replaced": replaced != nil, "files": hashes}})
	})
	if err != nil {
		return Application{}, err
	}
	files = nil // kept
	if err := s.files.Remove(replaced...); err != nil {
		return Application{}, err
	}
	s.changed()
	return s.Application(ctx, p, appID)
}

// open refuses an application that cannot be taken now.
func (s *Service) open(a Announcement, p access.Principal) error {
	now := s.now()
	switch {
	case a.State != Published:
		return errs.E(errs.Conflict, "announcement %s is %s: it takes no applications", a.ID, a.State)
	case now.After(a.DeadlineAt):
		return errs.E(errs.Conflict, "applications closed at %s (Asia/Shanghai)", shanghai(a.DeadlineAt))
	case a.Method != PublicTender && !slices.ContainsFunc(a.Invited, func(o Org) bool { return o.ID == p.OrgID }):
		return errs.E(errs.Forbidden, "this is a %s: only the invited operators may apply", a.Method)
	}
	return nil
}

// checkDeclarations requires one answer per item of Art. 13, in order, and
// the absence of incidents where the article demands it.
func checkDeclarations(in []Declaration) ([]Declaration, error) {
	out := make([]Declaration, len(Requirements))
	seen := map[int]bool{}
	for _, d := range in {
		if d.Item < 1 || d.Item > len(Requirements) || seen[d.Item] {
			return nil, errs.E(errs.Invalid, "declarations: item %d is unknown or given twice (Art. 13 has items 1 to %d)", d.Item, len(Requirements))
		}
		seen[d.Item] = true
		out[d.Item-1] = d
	}
	for i, r := range Requirements {
		d := &out[i]
		d.Answer = strings.TrimSpace(d.Answer)
		switch {
		case !seen[r.Item] || d.Answer == "":
			return nil, errs.E(errs.Invalid, "incomplete: item %d (%s) needs an answer", r.Item, r.Text)
		case utf8.RuneCountInString(d.Answer) > 4000:
			return nil, errs.E(errs.Invalid, "declarations: the answer to item %d: at most 4000 characters", r.Item)
		case r.Incidents && d.NoIncidents == nil:
			return nil, errs.E(errs.Invalid, "incomplete: item %d asks whether an incident happened in the last three years: answer no_incidents true or false", r.Item)
		case r.Incidents && !*d.NoIncidents:
			return nil, errs.E(errs.Invalid, "item %d: Art. 13 admits only applicants without such an incident in the last three years", r.Item)
		case !r.Incidents:
			d.NoIncidents = nil
		}
	}
	return out, nil
}

// save stores the application of p's operator, replacing an earlier one,
// and keeps its files. It returns the application's ID and the IDs of the
// files the replaced one had.
func (s *Service) save(ctx context.Context, tx *store.Tx, a Announcement, p access.Principal, decls []Declaration, files []staged) (string, []string, error) {
	now := s.now()
	raw, _ := json.Marshal(decls)
	var id string
	var replaced []string
	err := tx.QueryRow(ctx, `SELECT id FROM applications WHERE announcement_id = $1 AND operator_id = $2`, a.ID, p.OrgID).Scan(&id)
	switch {
	case store.IsNoRows(err):
		id = store.NewID()
		_, err = tx.Exec(ctx, `INSERT INTO applications (id, announcement_id, operator_id, state, declarations, check_reason, submitted_by,
			submitted_at, updated_at) VALUES ($1, $2, $3, $4, $5, '', $6, $7, $7)`, id, a.ID, p.OrgID, string(Submitted), string(raw), p.UserID, now)
	case err == nil:
		replaced, err = store.Strings(ctx, tx, `SELECT id FROM application_files WHERE application_id = $1`, id)
		if replaced == nil {
			replaced = []string{} // not nil: an application was replaced
		}
		if err == nil {
			_, err = tx.Exec(ctx, `DELETE FROM application_files WHERE application_id = $1`, id)
		}
		if err == nil {
			_, err = tx.Exec(ctx, `UPDATE applications SET declarations = $1, submitted_by = $2, submitted_at = $3, updated_at = $3 WHERE id = $4`,
				string(raw), p.UserID, now, id)
		}
	}
	if err != nil {
		return "", nil, fmt.Errorf("tender: save application: %w", err)
	}
	for _, f := range files {
		if err := s.files.Keep(f.received, f.ID); err != nil {
			return "", nil, err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO application_files (id, application_id, item, filename, media_type, bytes, sha256, uploaded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, f.ID, id, f.Item, f.Filename, f.MediaType, f.Bytes, f.SHA256, now); err != nil {
			return "", nil, fmt.Errorf("tender: save evidence: %w", err)
		}
	}
	return id, replaced, nil
}

package tender

import (
	"context"
	"fmt"

	"shuyu/internal/access"
	"shuyu/internal/inbox"
)

// Pending is the selection's inbox source (an inbox.Source): closed
// announcements whose selection the unit's officers must begin,
// applications awaiting their eligibility check (officers) or their first
// scores (the unit's evaluators), and objections awaiting resolution.
func (s *Service) Pending(ctx context.Context) ([]inbox.Item, error) {
	var out []inbox.Item
	officers, evaluators := []access.Role{access.RoleOfficer}, []access.Role{access.RoleReviewer}
	queries := []struct {
		kind, objectType, path, title string
		roles                         []access.Role
		query                         string
	}{
		{"announcement.selection", "announcement", "/console/announcements/", "申报已截止，待开始遴选：%s", officers,
			`SELECT a.id, a.unit_id, a.title FROM announcements a WHERE a.state = 'closed'`},
		{"application.check", "application", "/console/applications/", "申报材料待资格审查：%s", officers,
			`SELECT ap.id, a.unit_id, o.name || '（' || a.title || '）' FROM applications ap JOIN announcements a ON a.id = ap.announcement_id
			JOIN organizations o ON o.id = ap.operator_id WHERE a.state = 'selection' AND ap.state = 'submitted'`},
		{"application.score", "application", "/console/applications/", "申报材料待评分：%s", evaluators,
			`SELECT ap.id, a.unit_id, o.name || '（' || a.title || '）' FROM applications ap JOIN announcements a ON a.id = ap.announcement_id
			JOIN organizations o ON o.id = ap.operator_id WHERE a.state = 'selection' AND ap.state = 'eligible'
			AND NOT EXISTS (SELECT 1 FROM application_scores sc WHERE sc.application_id = ap.id)`},
		{"objection.resolve", "objection", "/console/objections/", "公示异议待处理：%s", officers,
			`SELECT b.id, a.unit_id, a.title FROM objections b JOIN announcements a ON a.id = b.announcement_id WHERE b.state = 'open'`},
	}
	for _, q := range queries {
		rows, err := s.db.Query(ctx, q.query+` ORDER BY 1`)
		if err != nil {
			return nil, fmt.Errorf("tender: pending %s: %w", q.kind, err)
		}
		for rows.Next() {
			var id, unit, what string
			if err := rows.Scan(&id, &unit, &what); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, inbox.Item{Kind: q.kind, ObjectType: q.objectType, ObjectID: id, Title: fmt.Sprintf(q.title, what),
				OrgID: unit, Roles: q.roles, Path: q.path + id})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

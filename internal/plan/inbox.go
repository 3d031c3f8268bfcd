package plan

import (
	"context"
	"fmt"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/inbox"
)

// Pending is the plans' inbox source (an inbox.Source): approved versions
// to file with the province by their deadline (overdue ones marked), and
// submitted versions whose government decision the unit's officers must
// record.
func (s *Service) Pending(ctx context.Context) ([]inbox.Item, error) {
	rows, err := s.db.Query(ctx, `SELECT id, unit_id, title, version, state, filing_due_at FROM plans WHERE state IN ($1, $2) ORDER BY id`,
		string(Approved), string(Submitted))
	if err != nil {
		return nil, fmt.Errorf("plan: pending: %w", err)
	}
	defer rows.Close()
	now := s.now()
	var out []inbox.Item
	for rows.Next() {
		var (
			id, unit, title, state string
			version                int
			due                    *time.Time
		)
		if err := rows.Scan(&id, &unit, &title, &version, &state, &due); err != nil {
			return nil, err
		}
		it := inbox.Item{ObjectType: "plan", ObjectID: id, OrgID: unit, Roles: []access.Role{access.RoleOfficer}, Path: "/console/plans/" + id}
		if state == string(Approved) {
			it.Kind, it.Title = "plan.filing", fmt.Sprintf("实施方案报省级数据管理部门备案：%s（第%d版）", title, version)
			if due != nil {
				it.DueAt, it.Overdue = due.UTC(), now.After(*due)
			}
		} else {
			it.Kind, it.Title = "plan.decision", fmt.Sprintf("实施方案待记录政府审议结果：%s（第%d版）", title, version)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

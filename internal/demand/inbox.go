package demand

import (
	"context"
	"fmt"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/inbox"
	"shuyu/internal/store"
)

// Pending is the demands' inbox source (an inbox.Source): for each demand
// under review inside an agreement in force, every party that has not
// decided the current round (the unit's reviewers, each provider's
// commissioners), due in working days; and each returned demand, for the
// staff member who filed it.
func (s *Service) Pending(ctx context.Context) ([]inbox.Item, error) {
	ids, err := store.Strings(ctx, s.db, `SELECT d.id FROM demands d JOIN agreements a ON a.id = d.agreement_id
		WHERE d.state IN ($1, $2) AND a.state = $3 ORDER BY d.id`, string(Reviewing), string(Returned), string(agreement.Active))
	if err != nil {
		return nil, fmt.Errorf("demand: pending: %w", err)
	}
	var out []inbox.Item
	for _, id := range ids {
		a, err := getDemand(ctx, s.db, id, "")
		if err != nil {
			return nil, err
		}
		base := inbox.Item{ObjectType: "demand", ObjectID: a.ID, Path: "/console/demands/" + a.ID}
		if a.State == Returned {
			it := base
			it.Kind, it.Title, it.OrgID, it.UserID = "demand.resubmit", "数据需求申请被退回，待修改后重新提交："+a.Request.Title, a.OperatorID, a.FiledBy
			out = append(out, it)
			continue
		}
		for _, p := range a.Parties {
			if p.Decision != "" {
				continue
			}
			it := base
			it.Kind, it.OrgID, it.DueAt = "demand.review", p.OrgID, a.DueAt
			it.Title = fmt.Sprintf("数据需求申请待审核（第%d轮）：%s（%s）", a.Round, a.Request.Title, a.Operator)
			it.Roles = []access.Role{access.RoleReviewer}
			if p.Kind == string(access.KindProvider) {
				it.Roles = []access.Role{access.RoleCommissioner}
			}
			out = append(out, it)
		}
	}
	return out, nil
}

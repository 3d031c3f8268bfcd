package agreement

import (
	"context"
	"fmt"

	"shuyu/internal/access"
	"shuyu/internal/inbox"
	"shuyu/internal/store"
)

// Pending is the agreements' inbox source (an inbox.Source): drafts whose
// revenue sharing awaits the finance department's opinion (Art. 15), and
// drafts with a current opinion awaiting the unit's signature.
func (s *Service) Pending(ctx context.Context) ([]inbox.Item, error) {
	ids, err := store.Strings(ctx, s.db, `SELECT g.id FROM agreements g WHERE g.state = $1 ORDER BY g.id`, string(Draft))
	if err != nil {
		return nil, fmt.Errorf("agreement: pending: %w", err)
	}
	var out []inbox.Item
	for _, id := range ids {
		a, err := getAgreement(ctx, s.db, id, "")
		if err != nil {
			return nil, err
		}
		it := inbox.Item{ObjectType: "agreement", ObjectID: a.ID, Path: "/console/agreements/" + a.ID}
		if a.Opinion == nil || !a.Opinion.Current {
			it.Kind, it.Title, it.OrgID, it.Roles = "agreement.finance_opinion", "协议收益分配条款待财政部门出具意见："+a.Title, a.FinanceOrgID, []access.Role{access.RoleFinance}
		} else {
			it.Kind, it.Title, it.OrgID, it.Roles = "agreement.sign", "协议待集体决策后签订："+a.Title, a.UnitID, []access.Role{access.RoleOfficer}
		}
		out = append(out, it)
	}
	return out, nil
}

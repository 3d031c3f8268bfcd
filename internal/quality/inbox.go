package quality

import (
	"context"
	"fmt"

	"shuyu/internal/access"
	"shuyu/internal/inbox"
)

// InboxItems lists the tickets waiting for someone: open ones for the
// provider's commissioners to answer by their deadline (Art. 8), answered
// ones for the filer to accept or reject. It is an inbox.Source.
func (s *Service) InboxItems(ctx context.Context) ([]inbox.Item, error) {
	rows, err := s.db.Query(ctx, `SELECT `+ticketColumns+ticketFrom+` WHERE t.state IN ($1, $2)`, string(Open), string(Answered))
	if err != nil {
		return nil, fmt.Errorf("quality: tickets for the inbox: %w", err)
	}
	defer rows.Close()
	kindName := map[TicketKind]string{Correction: "纠错", Objection: "异议"}
	var out []inbox.Item
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, err
		}
		it := inbox.Item{ObjectType: "ticket", ObjectID: t.ID, Path: "/console/tickets/" + t.ID}
		if t.State == Open {
			it.Kind, it.OrgID, it.Roles, it.DueAt = "ticket.answer", t.ProviderID, []access.Role{access.RoleCommissioner}, t.DueAt
			it.Title = fmt.Sprintf("答复%s：%s（%s）", kindName[t.Kind], t.Title, t.Dataset)
		} else {
			it.Kind, it.OrgID, it.UserID = "ticket.decide", t.FilerOrgID, t.FiledBy
			it.Title = fmt.Sprintf("确认%s答复：%s（%s）", kindName[t.Kind], t.Title, t.Dataset)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

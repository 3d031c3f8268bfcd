package evaluation

import (
	"context"
	"fmt"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/inbox"
)

// InboxItems lists what waits in evaluations and rectification tasks: the
// operator's answers and reports, with their deadlines; the implementing
// unit's scoring, finalising and reviewing; and, for its officers, tasks
// whose rectification has failed (the ground for termination, Art. 24).
// It is an inbox.Source.
func (s *Service) InboxItems(ctx context.Context) ([]inbox.Item, error) {
	evs, err := s.pendingEvaluations(ctx)
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	var out []inbox.Item
	add := func(objectType, id, kind, title, orgID string, due time.Time, roles ...access.Role) {
		out = append(out, inbox.Item{Kind: kind, ObjectType: objectType, ObjectID: id, Title: title, OrgID: orgID, Roles: roles,
			DueAt: due, Path: "/console/" + objectType + "s/" + id})
	}
	operator, officer, reviewer := access.RoleOperatorManager, access.RoleOfficer, access.RoleReviewer
	for _, e := range evs {
		what := fmt.Sprintf("%d 年度运营评估（%s）", e.Year, e.AgreementTitle)
		switch e.State {
		case Opened:
			add("evaluation", e.ID, "evaluation.answer", "填报"+what, e.OperatorID, e.AnswerDueAt, operator)
			if now.After(e.AnswerDueAt) {
				add("evaluation", e.ID, "evaluation.score", e.Operator+"逾期未提交"+what+"，可直接评分", e.UnitID, time.Time{}, reviewer)
			}
		case Answered:
			add("evaluation", e.ID, "evaluation.score", "评分："+e.Operator+what, e.UnitID, time.Time{}, reviewer)
		case Scored:
			add("evaluation", e.ID, "evaluation.finalise", "确定评估结果："+e.Operator+what, e.UnitID, time.Time{}, officer)
		}
	}
	tasks, err := s.queryTasks(ctx, `SELECT `+rectificationColumns+rectificationFrom+` WHERE r.state IN ($1, $2)`, string(Open), string(Submitted))
	if err != nil {
		return nil, err
	}
	for _, r := range tasks {
		r.derive(now)
		if r.State == Open {
			add("rectification", r.ID, "rectification.submit", "整改："+r.Finding, r.OperatorID, r.DueAt, operator)
		} else {
			add("rectification", r.ID, "rectification.review", "审核整改报告："+r.Operator+"，"+r.Finding, r.UnitID, time.Time{}, officer, reviewer)
		}
		if r.Failed {
			add("rectification", r.ID, "rectification.failed", "整改不到位："+r.Operator+"，"+r.Finding+"（可依第二十四条终止运营资格）", r.UnitID, time.Time{}, officer)
		}
	}
	return out, nil
}

// pendingEvaluations lists the evaluations someone still has to act on.
func (s *Service) pendingEvaluations(ctx context.Context) ([]Evaluation, error) {
	rows, err := s.db.Query(ctx, `SELECT `+evaluationColumns+evaluationFrom+` WHERE e.state IN ($1, $2, $3)`, string(Opened), string(Answered), string(Scored))
	if err != nil {
		return nil, fmt.Errorf("evaluation: pending: %w", err)
	}
	defer rows.Close()
	var out []Evaluation
	for rows.Next() {
		e, err := scanEvaluation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

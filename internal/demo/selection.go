package demo

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"slices"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/calendar"
	"shuyu/internal/plan"
	"shuyu/internal/store"
	"shuyu/internal/tender"
)

const announcementTitle = "潍坊市公共数据资源授权运营单位申报公告"

// selection finds or makes the announcement under plan pl and walks it,
// step by step from wherever it stands, to a concluded selection of the
// demo operator: published forty days ago, applied for, closed thirty days
// ago, checked, scored, awarded, publicity ended without objection.
func (d *seeder) selection(ctx context.Context, pl plan.Plan) (tender.Announcement, error) {
	bureau, err := d.as(ctx, "bureau")
	if err != nil {
		return tender.Announcement{}, err
	}
	list, _, err := d.Tender.List(ctx, bureau, tender.Filter{PlanID: pl.ID}, store.NewPage(store.MaxPageSize, ""))
	if err != nil {
		return tender.Announcement{}, err
	}
	var a tender.Announcement
	for _, x := range list {
		if x.Title == announcementTitle && x.State != tender.Cancelled && x.State != tender.Vetoed {
			a = x
		}
	}
	if a.ID == "" {
		title, method, deadline := announcementTitle, tender.PublicTender, d.ago(30)
		conditions := "申报单位应为依法设立的法人组织，符合《潍坊市公共数据资源授权运营管理办法》第十三条规定的七项条件，并提交相应证明材料。"
		criteria := []tender.Criterion{{Name: "运营方案与场景价值", Weight: 40}, {Name: "数据安全保障能力", Weight: 35}, {Name: "技术与服务团队", Weight: 25}}
		in := tender.Input{PlanID: &pl.ID, Title: &title, Method: &method, Conditions: &conditions, Criteria: &criteria, Deadline: &deadline}
		if a, err = d.Tender.WithClock(at(d.ago(45))).Create(ctx, bureau, in); err != nil {
			return a, err
		}
	}
	for a.State != tender.Concluded {
		if a, err = d.next(ctx, bureau, a); err != nil {
			return a, fmt.Errorf("announcement %s, %s: %w", a.ID, a.State, err)
		}
	}
	return a, nil
}

// next takes the step that follows a's state.
func (d *seeder) next(ctx context.Context, bureau access.Principal, a tender.Announcement) (tender.Announcement, error) {
	system := access.System("demo")
	switch a.State {
	case tender.Draft:
		return d.Tender.WithClock(at(d.ago(40))).Act(ctx, bureau, a.ID, tender.Publish, tender.StepInput{})
	case tender.Published:
		if err := d.apply(ctx, a.ID); err != nil {
			return a, err
		}
		return d.Tender.WithClock(at(d.ago(30).Add(time.Minute))).Act(ctx, system, a.ID, tender.Close, tender.StepInput{})
	case tender.Closed:
		return d.Tender.WithClock(at(d.ago(29))).Act(ctx, bureau, a.ID, tender.Evaluate, tender.StepInput{})
	case tender.Selection:
		winner, err := d.assess(ctx, bureau, a.ID)
		if err != nil {
			return a, err
		}
		return d.Tender.WithClock(at(d.ago(25))).Act(ctx, bureau, a.ID, tender.Award, tender.StepInput{ApplicationID: winner})
	case tender.Publicity:
		return d.Tender.Act(ctx, system, a.ID, tender.Conclude, tender.StepInput{})
	}
	return a, fmt.Errorf("the demo cannot continue a selection that is %s", a.State)
}

// apply files the demo operator's application, with a synthetic evidence
// file for each item, unless it did already.
func (d *seeder) apply(ctx context.Context, announcement string) error {
	operator, err := d.as(ctx, "operator")
	if err != nil {
		return err
	}
	if apps, _, err := d.Tender.Applications(ctx, operator, tender.ApplicationFilter{AnnouncementID: announcement}, store.NewPage(1, "")); err != nil || len(apps) > 0 {
		return err
	}
	yes := true
	var decls []tender.Declaration
	for _, r := range tender.Requirements {
		decl := tender.Declaration{Item: r.Item, Answer: "本单位符合该项条件，证明材料见附件。（演示数据）"}
		if r.Incidents {
			decl.NoIncidents = &yes
		}
		decls = append(decls, decl)
	}
	_, err = d.Tender.WithClock(at(d.ago(35))).Submit(ctx, operator, announcement, decls, evidence())
	return err
}

// evidence yields a small synthetic PDF for each item of Art. 13.
func evidence() iter.Seq2[tender.Upload, error] {
	return func(yield func(tender.Upload, error) bool) {
		for _, r := range tender.Requirements {
			pdf := fmt.Sprintf("%%PDF-1.4\n%% 演示用证明材料：第十三条第%d项（合成，非真实文件）\n%%%%EOF\n", r.Item)
			if !yield(tender.Upload{Item: r.Item, Filename: fmt.Sprintf("第%d项证明材料.pdf", r.Item), Body: bytes.NewReader([]byte(pdf))}, nil) {
				return
			}
		}
	}
}

// assess checks every application of the announcement, scores the eligible
// ones, and returns the best.
func (d *seeder) assess(ctx context.Context, bureau access.Principal, announcement string) (string, error) {
	t := d.Tender.WithClock(at(d.ago(27)))
	apps, _, err := t.Applications(ctx, bureau, tender.ApplicationFilter{AnnouncementID: announcement}, store.NewPage(store.MaxPageSize, ""))
	if err != nil {
		return "", err
	}
	for _, ap := range apps {
		if ap.State == tender.Submitted {
			var checks []tender.CheckInput
			for _, r := range tender.Requirements {
				checks = append(checks, tender.CheckInput{Item: r.Item, Pass: true, Note: "材料齐全，符合要求"})
			}
			if ap, err = t.CheckEligibility(ctx, bureau, ap.ID, checks); err != nil {
				return "", err
			}
		}
		if ap.State == tender.Eligible && len(ap.Scores) == 0 {
			scores := []tender.ScoreInput{{Criterion: 0, Score: 88}, {Criterion: 1, Score: 92}, {Criterion: 2, Score: 85}}
			if _, err := t.Score(ctx, bureau, ap.ID, scores); err != nil {
				return "", err
			}
		}
	}
	r, err := t.Ranking(ctx, bureau, announcement)
	if err != nil || len(r.Rows) == 0 {
		return "", fmt.Errorf("no application to award: %w", err)
	}
	return r.Rows[0].ApplicationID, nil
}

// agreement finds or drafts the agreement on the selection and brings it
// into force: three years from the first day of last month (so that the
// demo has a whole month of product calls to bill), over the three demo
// entries, with the finance department's opinion and the bureau's decision.
func (d *seeder) agreement(ctx context.Context, a tender.Announcement) error {
	bureau, err := d.as(ctx, "bureau")
	if err != nil {
		return err
	}
	list, _, err := d.Agreements.List(ctx, bureau, agreement.Filter{OperatorID: a.Winner.ID}, store.NewPage(store.MaxPageSize, ""))
	if err != nil {
		return err
	}
	var g agreement.Agreement
	for _, x := range list {
		if x.AnnouncementID == a.ID && x.State != agreement.Withdrawn {
			g = x
		}
	}
	if g.ID == "" {
		start := AgreementStart(d.today)
		end := calendar.NewDate(start.Year()+3, start.Month(), start.Day()).AddDays(-1)
		from, to, terms, scope := start.String(), end.String(), demoTerms(), slices.Clone(demoDatasets)
		g, err = d.Agreements.Create(ctx, bureau, agreement.Input{AnnouncementID: &a.ID, StartsOn: &from, EndsOn: &to, Datasets: &scope, Terms: &terms})
		if err != nil {
			return err
		}
	}
	if g.State != agreement.Draft {
		return nil
	}
	if g.Opinion == nil || !g.Opinion.Current {
		finance, err := d.as(ctx, "finance")
		if err != nil {
			return err
		}
		if g, err = d.Agreements.GiveOpinion(ctx, finance, g.ID, agreement.OpinionInput{Concurs: true,
			Text: "经审核，收益分配条款符合国有资产和非税收入管理规定，同意。"}); err != nil {
			return err
		}
	}
	today := calendar.DateOf(d.today).String()
	_, err = d.Agreements.Sign(ctx, bureau, g.ID, agreement.SignInput{Decision: &plan.Decision{
		Meeting: "潍坊市大数据局党组会议", Number: "潍数党纪〔" + today[:4] + "〕9号", Date: today}})
	return err
}

// demoTerms are the clauses of the demo agreement (Art. 14).
func demoTerms() agreement.Terms {
	return agreement.Terms{
		Products: []agreement.Product{
			{Name: "企业纳税信用核验接口", Kind: "api", Description: "按统一社会信用代码核验纳税信用等级", ComplianceReview: "上线前经实施单位合规审核，仅返回等级，不返回原始数据"},
			{Name: "区县就业与参保统计报告", Kind: "report", Description: "按区县、行业的参保人数统计", ComplianceReview: "统计结果满足最小分组人数要求，经审核后出域"},
		},
		Platform:           "潍坊市公共数据资源授权运营平台（安全开发环境）",
		AssetOwnership:     "公共数据资源持有权归数据提供单位；运营单位对其开发的数据产品享有经营权。",
		Security:           "原始数据不出域；运营单位落实数据安全主体责任，人员培训、保密协议、操作留痕。",
		RiskMonitoring:     "平台实时监测查询与调用，异常即告警；运营单位每季度报送安全自查报告。",
		EvaluationCriteria: "按年度评估模板评估运营成效、合规与安全情况。",
		Confidentiality:    "对知悉的公共数据及衍生信息承担保密义务，协议终止后仍有效。",
		Disclosure:         "按年披露授权范围、产品服务清单、收费标准和收入情况。",
		Accounting:         "授权运营业务单独核算成本与收入，接受财政和审计监督。",
		RevenueSharing:     "运营收入扣除成本后，按政府40%、运营单位45%、数据提供单位15%分配。",
		Liability:          "违反协议的，限期整改；整改不到位的，依第二十七条终止协议。",
		Renewal:            "期满前三个月可申请续约，经评估合格并履行决策程序后续签。",
		Exit:               "协议终止时停止全部授权，删除工作区数据并出具删除记录，日志保留不少于六个月。",
	}
}

// AgreementStart is the first day of the demo agreement seeded at now: the
// first day of the month before now's, in Asia/Shanghai.
func AgreementStart(now time.Time) calendar.Date {
	d := calendar.DateOf(now)
	return calendar.NewDate(d.Year(), d.Month()-1, 1)
}

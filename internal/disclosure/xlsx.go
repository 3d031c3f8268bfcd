package disclosure

import (
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"shuyu/internal/calendar"
)

// Sheets of the report's workbook, in order.
const (
	SummarySheet     = "概况"
	AgreementsSheet  = "授权协议"
	ProductsSheet    = "产品与价格"
	UsageSheet       = "月度调用量"
	RevenueSheet     = "收入与分配"
	EvaluationsSheet = "运营评估"
)

// statusText words a report status in the workbook.
var statusText = map[string]string{Provisional: "年度未结束，数据截至生成时", Published: "已发布（依据平台记录生成）"}

// WriteXLSX writes report r as a workbook, one sheet per part. Text goes
// in as strings, never as formulas.
func WriteXLSX(w io.Writer, r Report) error {
	f := excelize.NewFile()
	defer f.Close()
	scope := "实施单位（全部授权协议）"
	if r.OperatorID != "" {
		scope = "运营单位：" + r.Operator
	}
	summary := [][]any{
		{"公共数据授权运营年度信息披露报告", r.Year},
		{"披露主体", scope},
		{"报送截止日", r.DueOn},
		{"状态", statusText[r.Status]},
		{"生成时间", r.Generated.In(calendar.Shanghai()).Format("2006-01-02 15:04:05")},
		{"产品调用总量（次）", r.Totals.Calls},
		{"运营收入合计（元）", yuan(r.Totals.RevenueFen)},
		{"其中：政府（实施单位）", yuan(r.Totals.ByParty["government"])},
		{"其中：运营单位", yuan(r.Totals.ByParty["operator"])},
		{"其中：数据提供单位", yuan(r.Totals.ByParty["provider"])},
	}
	var agreements [][]any
	for _, a := range r.Agreements {
		exit := ""
		if a.EndedAt != nil {
			exit = calendar.DateOf(*a.EndedAt).String()
		}
		agreements = append(agreements, []any{a.Operator, a.Title, a.Unit, a.State, a.StartsOn, a.EndsOn, strings.Join(a.Datasets, "、"), exit})
	}
	var products, usage [][]any
	for _, p := range r.Products {
		row := []any{p.Name, string(p.Type), p.Operator, p.Scenario, p.PriceCategory, "", "", "", "", "", ""}
		if p.Registration != nil {
			row[5] = p.Registration.Code
		}
		if pr := p.Price; pr != nil {
			row[6], row[7], row[9] = string(pr.Method), yuan(pr.CapFen)+" 元/"+pr.Unit, pr.CapBasis
			if pr.PriceFen != nil {
				row[8], row[10] = yuan(*pr.PriceFen)+" 元/"+pr.Unit, pr.PriceBasis
			}
		}
		products = append(products, row)
		u := []any{p.Name}
		for _, m := range p.Usage {
			u = append(u, m.Calls)
		}
		usage = append(usage, append(u, p.Calls))
	}
	var revenue [][]any
	for _, v := range r.Revenue {
		revenue = append(revenue, []any{v.AgreementID, v.Months, yuan(v.TotalFen), yuan(v.ByParty["government"]), yuan(v.ByParty["operator"]),
			yuan(v.ByParty["provider"])})
	}
	var evaluations [][]any
	for _, e := range r.Evaluations {
		score := ""
		if e.Score != nil {
			score = strconv.FormatFloat(*e.Score, 'f', 1, 64)
		}
		evaluations = append(evaluations, []any{e.Operator, e.AgreementTitle, e.Year, score, e.Grade, e.Conclusion})
	}
	usageHeader := append(append([]string{"产品"}, r.Months...), "合计")
	parts := []struct {
		name    string
		headers []string
		rows    [][]any
	}{
		{SummarySheet, nil, summary},
		{AgreementsSheet, []string{"运营单位", "协议", "实施单位", "状态", "起始日", "终止日", "授权数据范围", "退出日期"}, agreements},
		{ProductsSheet, []string{"产品", "类型", "运营单位", "应用场景", "价格类别", "登记编号", "计费方式", "上限收费标准", "实际收费标准", "上限核定依据", "收费依据"}, products},
		{UsageSheet, usageHeader, usage},
		{RevenueSheet, []string{"授权协议", "已出账月份数", "收入（元）", "政府（元）", "运营单位（元）", "数据提供单位（元）"}, revenue},
		{EvaluationsSheet, []string{"运营单位", "协议", "年度", "得分", "等级", "结论"}, evaluations},
	}
	for i, p := range parts {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", p.name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(p.name); err != nil {
			return err
		}
		rows := p.rows
		if p.headers != nil {
			h := make([]any, len(p.headers))
			for j, s := range p.headers {
				h[j] = s
			}
			rows = append([][]any{h}, rows...)
		}
		for y, row := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, y+1)
			if err := f.SetSheetRow(p.name, cell, &row); err != nil {
				return err
			}
		}
	}
	return f.Write(w)
}

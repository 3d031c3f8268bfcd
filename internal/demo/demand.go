package demo

// DemandSpec is one of the demo analyst's demand applications, in plain
// terms: package demo cannot use the sandbox's types, since the sandbox's
// tests use the demo's datasets. App files them through package demand.
type DemandSpec struct {
	Title, Scenario, Purpose string
	// Rule is aggregate, dp, list or review.
	Rule string
	// Epsilon is a dp demand's total budget; Bounds each measure's
	// per-unit contribution bounds (lower, upper).
	Epsilon  float64
	Bounds   map[string][2]int64
	Datasets []DemandDataset
}

// DemandDataset asks for fields of a dataset: name, role, justification.
type DemandDataset struct {
	Dataset string
	Fields  [][3]string
}

// fields asks for the fields of dataset.
func fields(dataset string, specs ...[3]string) DemandDataset {
	return DemandDataset{Dataset: dataset, Fields: specs}
}

// insured are the social_insurance fields the aggregate, dp and review
// demands ask for; the aggregate one adds the employer's credit code to
// join the registry.
func insured(join bool) DemandDataset {
	specs := [][3]string{
		{"id_number", "privacy_unit", "统计参保人数（去重），不输出"},
		{"district", "dimension", "按区县分组"},
		{"gender", "dimension", "按性别分组"},
		{"birth_date", "dimension", "按年龄段分组"},
		{"insured_since", "dimension", "按参保年限分组"},
		{"monthly_base_yuan", "measure", "计算缴费基数的平均值和分布"},
	}
	if join {
		specs = append(specs, [3]string{"employer_uscc", "join", "与企业登记信息关联，仅用于连接"})
	}
	return fields("social_insurance", specs...)
}

// DemoDemands are issue 5's demo grants (item 11), one demand each, which
// the bureau and the providers concerned approve.
var DemoDemands = []DemandSpec{
	{Title: "区县就业与企业用工结构分析", Rule: "aggregate",
		Scenario: "为市人社局和各区县提供分行业、分区县的参保职工结构统计，服务稳就业政策制定。",
		Purpose:  "统计各行业、区县参保人数与缴费基数，输出不少于10人的分组汇总结果。",
		Datasets: []DemandDataset{insured(true), fields("enterprise_registry",
			[3]string{"uscc", "join", "与参保单位信用代码关联，仅用于连接"},
			[3]string{"industry", "dimension", "按行业门类分组"},
			[3]string{"district", "dimension", "按企业所在区县分组"},
			[3]string{"status", "dimension", "区分存续与注销企业"},
			[3]string{"registered_capital_wan", "measure", "按注册资本规模分析用工"})}},
	{Title: "参保缴费水平差分隐私统计", Rule: "dp", Epsilon: 3, Bounds: map[string][2]int64{"monthly_base_yuan": {0, 30000}},
		Scenario: "面向社会公开发布分区县、分性别的缴费基数统计，结果需可公开。",
		Purpose:  "在差分隐私保护下发布缴费基数统计，总隐私预算ε=3。",
		Datasets: []DemandDataset{insured(false)}},
	{Title: "参保数据探索性分析（结果审核出域）", Rule: "review",
		Scenario: "为就业监测模型开发做探索性分析，模型参数经实施单位审核后方可出域。",
		Purpose:  "探索参保数据分布，结果留在数据域内，经审核后出域。",
		Datasets: []DemandDataset{insured(false)}},
	{Title: "企业纳税信用核验", Rule: "list",
		Scenario: "为金融机构提供企业登记状态与纳税信用等级核验服务（普惠金融）。",
		Purpose:  "按统一社会信用代码关联企业登记与纳税信用等级，法定代表人信息脱敏。",
		Datasets: []DemandDataset{
			fields("enterprise_registry",
				[3]string{"uscc", "output", "核验主键，与纳税信用关联"},
				[3]string{"name", "output", "核验企业名称"},
				[3]string{"legal_rep_name", "output", "核验法定代表人（脱敏）"},
				[3]string{"legal_rep_id_number", "output", "核验法定代表人身份（脱敏）"},
				[3]string{"district", "output", "企业所在区县"},
				[3]string{"industry", "output", "行业门类"},
				[3]string{"registered_capital_wan", "output", "注册资本"},
				[3]string{"established_date", "output", "成立日期"},
				[3]string{"status", "output", "登记状态"}),
			fields("tax_credit",
				[3]string{"uscc", "output", "与企业登记关联"},
				[3]string{"year", "output", "评价年度"},
				[3]string{"grade", "output", "纳税信用等级"})}},
}

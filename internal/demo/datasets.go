package demo

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
)

// Field declares a column of a demo dataset, with its classification and grade.
type Field struct {
	Name, Type, Title, Class, Grade string
}

// Dataset is a synthetic dataset of a demo provider, written as CSV.
type Dataset struct {
	Name, Title, Description string
	Provider                 string // key of the providing demo organization
	Frequency                string
	PrivacyUnit              string
	Fields                   []Field
	// Rows is the number of rows; for tax_credit, of enterprises (each has a
	// row per year it existed).
	Rows int
	// registry is the number of enterprises at this scale: people work for,
	// and credit grades go to, enterprises of the registry.
	registry int
	write    func(w *csv.Writer, rows, registry int) error
}

// countyWeights spread people and enterprises by rough population.
var countyWeights = []weighted{
	{"370702", 42}, {"370703", 40}, {"370704", 50}, {"370705", 60}, {"370724", 80}, {"370725", 60},
	{"370781", 94}, {"370782", 110}, {"370783", 116}, {"370784", 90}, {"370785", 90}, {"370786", 60},
}

// GB/T 4754-2017 sections, weighted like a prefecture city's register.
var industries = []weighted{
	{"A", 50}, {"B", 5}, {"C", 200}, {"D", 5}, {"E", 80}, {"F", 300}, {"G", 40}, {"H", 50}, {"I", 50}, {"J", 10},
	{"K", 20}, {"L", 80}, {"M", 30}, {"N", 10}, {"O", 30}, {"P", 10}, {"Q", 10}, {"R", 20}, {"S", 2},
}

var statuses = []weighted{{"存续", 80}, {"在业", 8}, {"注销", 8}, {"吊销", 3}, {"迁出", 1}}

var creditGrades = []weighted{{"A", 10}, {"B", 55}, {"M", 25}, {"C", 7}, {"D", 3}}

var tradeWords = []string{"鸢都", "白浪河", "风筝", "潍水", "富华", "金宝", "恒信", "鲁潍", "瑞丰", "海川", "新元", "华宇", "同盛", "东方", "泰和", "嘉禾", "宏远", "众诚", "青禾", "安泰"}
var businessWords = map[string]string{"A": "农业科技", "C": "机械制造", "E": "建筑工程", "F": "商贸", "G": "物流", "H": "餐饮管理", "I": "信息技术", "L": "商务服务", "M": "技术研究", "R": "文化传媒"}

// Datasets returns the demo datasets with their row counts multiplied by scale.
func Datasets(scale float64) []Dataset {
	rows := func(n int) int { return max(1, int(math.Round(float64(n)*scale))) }
	registry := rows(50_000)
	sets := []Dataset{
		{
			Name: "enterprise_registry", Title: "企业登记信息", Provider: "amr", Frequency: "daily", PrivacyUnit: "uscc",
			Description: "市场主体登记：统一社会信用代码、名称、法定代表人、所在区县、行业门类、注册资本、成立日期、登记状态。（合成数据）",
			Fields: []Field{{"uscc", "text", "统一社会信用代码", "enterprise.identity", "general-1"}, {"name", "text", "企业名称", "enterprise.registration", "general-1"},
				{"legal_rep_name", "text", "法定代表人姓名", "personal.name", "general-3"},
				{"legal_rep_id_number", "text", "法定代表人身份证号", "personal.identity", "general-4"}, {"district", "text", "所在区县", "geographic.division", "general-1"},
				{"industry", "text", "行业门类（GB/T 4754）", "enterprise.registration", "general-1"},
				{"registered_capital_wan", "decimal", "注册资本（万元）", "enterprise.registration", "general-1"},
				{"established_date", "date", "成立日期", "enterprise.registration", "general-1"}, {"status", "text", "登记状态", "enterprise.registration", "general-1"}},
			Rows: registry, write: writeEnterprises,
		},
		{
			Name: "social_insurance", Title: "社会保险参保信息", Provider: "hrss", Frequency: "monthly", PrivacyUnit: "id_number",
			Description: "职工社会保险参保登记：身份证号、姓名、性别、出生日期、所在区县、参保单位信用代码、参保日期、月缴费基数。（合成数据）",
			Fields: []Field{{"id_number", "text", "公民身份号码", "personal.identity", "general-4"}, {"name", "text", "姓名", "personal.name", "general-3"},
				{"gender", "text", "性别", "personal.basic", "general-2"}, {"birth_date", "date", "出生日期", "personal.basic", "general-3"},
				{"district", "text", "所在区县", "geographic.division", "general-1"}, {"employer_uscc", "text", "参保单位统一社会信用代码", "enterprise.identity", "general-1"},
				{"insured_since", "date", "参保日期", "personal.social", "general-3"},
				{"monthly_base_yuan", "integer", "月缴费基数（元）", "personal.social", "general-3"}},
			Rows: rows(200_000), write: writePersons,
		},
		{
			Name: "tax_credit", Title: "纳税信用等级", Provider: "tax", Frequency: "yearly", PrivacyUnit: "uscc",
			Description: "纳税人纳税信用等级评价结果（A/B/M/C/D），每户每年一条，2022–2025年。（合成数据）",
			Fields: []Field{{"uscc", "text", "统一社会信用代码", "enterprise.identity", "general-1"}, {"year", "integer", "评价年度", "public.statistics", "general-1"},
				{"grade", "text", "纳税信用等级", "enterprise.credit", "general-2"}},
			Rows: registry, write: writeTaxCredit,
		},
	}
	for i := range sets {
		sets[i].registry = registry
	}
	return sets
}

// WriteCSV writes the dataset, header first, the same bytes on every run.
func (d Dataset) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	header := make([]string, len(d.Fields))
	for i, f := range d.Fields {
		header[i] = f.Name
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := d.write(cw, d.Rows, d.registry); err != nil {
		return fmt.Errorf("demo dataset %s: %w", d.Name, err)
	}
	cw.Flush()
	return cw.Error()
}

// rng draws from fixed seeds, so every dataset is the same on every machine.
func rng(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(0x5348555955, stream)) }

// enterprise is one row of the registry, drawn from its own stream by index.
type enterprise struct {
	uscc, name, repName, repID, county, industry, status string
	capital                                              float64
	established                                          date
}

func enterpriseAt(i int) enterprise {
	r := rng(1_000_000 + uint64(i))
	e := enterprise{county: pick(r, countyWeights), industry: pick(r, industries), status: pick(r, statuses)}
	e.uscc = uscc(r, e.county)
	word, ok := businessWords[e.industry]
	if !ok {
		word = "实业"
	}
	e.name = fmt.Sprintf("潍坊%s%s有限公司", tradeWords[r.IntN(len(tradeWords))], word)
	if r.IntN(3) == 0 {
		e.name = fmt.Sprintf("潍坊%s%s%s有限公司", tradeWords[r.IntN(len(tradeWords))], tradeWords[r.IntN(len(tradeWords))], word)
	}
	male := r.IntN(100) < 72
	birth := randomDate(r, 1955, 1998)
	e.repName, e.repID = personName(r), idNumber(r, e.county, birth, male)
	e.capital = math.Round(math.Exp(r.NormFloat64()*1.2+4.6)*100) / 100
	e.established = randomDate(r, 1995, 2025)
	return e
}

func writeEnterprises(w *csv.Writer, rows, _ int) error {
	for i := range rows {
		e := enterpriseAt(i)
		if err := w.Write([]string{e.uscc, e.name, e.repName, e.repID, countyName[e.county], e.industry,
			strconv.FormatFloat(e.capital, 'f', 2, 64), e.established.String(), e.status}); err != nil {
			return err
		}
	}
	return nil
}

func writePersons(w *csv.Writer, rows, registry int) error {
	r := rng(2)
	for range rows {
		county := pick(r, countyWeights)
		male := r.IntN(2) == 0
		birth := randomDate(r, 1962, 2005)
		gender := "女"
		if male {
			gender = "男"
		}
		since := randomDate(r, max(birth.y+18, 1995), 2025)
		base := int(math.Round(math.Min(22_000, math.Max(4_400, math.Exp(r.NormFloat64()*0.35+8.6)))))
		employer := enterpriseAt(r.IntN(registry)).uscc
		if err := w.Write([]string{idNumber(r, county, birth, male), personName(r), gender, birth.String(), countyName[county], employer,
			since.String(), strconv.Itoa(base)}); err != nil {
			return err
		}
	}
	return nil
}

func writeTaxCredit(w *csv.Writer, rows, _ int) error {
	r := rng(3)
	for i := range rows {
		e := enterpriseAt(i)
		for year := 2022; year <= 2025; year++ {
			if e.established.y >= year {
				continue
			}
			if err := w.Write([]string{e.uscc, strconv.Itoa(year), pick(r, creditGrades)}); err != nil {
				return err
			}
		}
	}
	return nil
}

var countyName = func() map[string]string {
	m := map[string]string{}
	for _, c := range Counties {
		m[c.Code] = c.Name
	}
	return m
}()

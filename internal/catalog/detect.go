package catalog

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"shuyu/internal/cnid"
)

// Suggestion is what the detector proposes for one field, from a sample of
// its values. It is shown to the commissioner and applied only by them.
type Suggestion struct {
	Field          string  `json:"field"`
	Detector       string  `json:"detector"`
	Classification string  `json:"classification"`
	Grade          string  `json:"grade"`
	Share          float64 `json:"share"`   // of the non-empty sampled values that matched
	Sampled        int     `json:"sampled"` // non-empty values looked at
}

// detector recognises one kind of sensitive value.
type detector struct {
	name, class, grade string
	match              func(string) bool
}

var (
	mobile = regexp.MustCompile(`^(\+?86[- ]?)?1[3-9]\d{9}$`)
	email  = regexp.MustCompile(`^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$`)
	// An address names administrative levels or a street and a number.
	addressParts = regexp.MustCompile(`(省|市|区|县|镇|乡|街道|村).*(路|街|道|巷|号|村|组|小区|大厦|室)`)
)

// detectors, most specific first: a value is counted for the first that matches.
var detectors = []detector{
	{"id_number", "personal.identity", "general-4", func(s string) bool { return cnid.ValidID(strings.ToUpper(s)) }},
	{"uscc", "enterprise.identity", "general-1", cnid.ValidUSCC},
	{"bank_card", "personal.financial", "general-4", bankCard},
	{"mobile", "personal.contact", "general-3", func(s string) bool { return mobile.MatchString(strings.ReplaceAll(s, " ", "")) }},
	{"email", "personal.contact", "general-3", email.MatchString},
	{"person_name", "personal.name", "general-3", personName},
	{"address", "geographic.address", "general-3", func(s string) bool { return utf8.RuneCountInString(s) >= 6 && addressParts.MatchString(s) }},
}

// detectShare is the share of sampled values a detector must match to
// suggest: high enough that random digits with the odd valid check digit
// (one in eleven for ID numbers) never pass.
const detectShare = 0.8

// Detect looks at samples (field name → sampled values) and suggests a
// classification and grade for the fields whose values look sensitive.
func Detect(samples map[string][]string) []Suggestion {
	var out []Suggestion
	for field, values := range samples {
		counts := make([]int, len(detectors))
		n := 0
		for _, v := range values {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			n++
			for i, d := range detectors {
				if d.match(v) {
					counts[i]++
					break
				}
			}
		}
		if n == 0 {
			continue
		}
		for i, d := range detectors {
			if share := float64(counts[i]) / float64(n); share >= detectShare {
				out = append(out, Suggestion{Field: field, Detector: d.name, Classification: d.class, Grade: d.grade, Share: share, Sampled: n})
				break
			}
		}
	}
	return out
}

// bankCard accepts 16–19 digits that pass the Luhn check and start like the
// cards issued in China (UnionPay 62, Visa 4, Mastercard 5).
func bankCard(s string) bool {
	if len(s) < 16 || len(s) > 19 || !strings.ContainsAny(s[:1], "456") {
		return false
	}
	sum := 0
	for i := range len(s) {
		c := s[len(s)-1-i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// compound surnames come first so that 欧阳 is not read as 欧 + given name.
var compoundSurnames = []string{"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "公孙", "夏侯", "尉迟", "长孙", "宇文", "司徒", "端木"}

// commonSurnames covers the great majority of Chinese people.
const commonSurnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"

// personName accepts two to four Han characters beginning with a known surname.
func personName(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 4 {
		return false
	}
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	for _, c := range compoundSurnames {
		if strings.HasPrefix(s, c) && n >= 3 {
			return true
		}
	}
	first, _ := utf8.DecodeRuneInString(s)
	return strings.ContainsRune(commonSurnames, first)
}

package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"shuyu/internal/cnid"
)

// Surnames in rough order of frequency in Shandong; weights are relative.
var surnames = []weighted{
	{"王", 90}, {"张", 85}, {"李", 80}, {"刘", 60}, {"陈", 30}, {"杨", 28}, {"赵", 26}, {"孙", 24}, {"马", 20},
	{"于", 18}, {"周", 16}, {"吴", 14}, {"徐", 14}, {"高", 13}, {"郭", 12}, {"韩", 11}, {"宋", 10}, {"谭", 9},
	{"丁", 9}, {"田", 8}, {"曹", 8}, {"崔", 7}, {"邱", 6}, {"郑", 6}, {"冯", 6}, {"袁", 5}, {"葛", 4}, {"隋", 3},
}

// givenChars are common characters of given names; names are drawn from
// them, so any resemblance to a real person is chance.
const givenChars = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强海燕文博晓东春梅玉兰红梅凤英立新德明永红宏伟淑珍淑华俊杰子涵浩然欣怡思远雨萱梓豪"

type weighted struct {
	value  string
	weight int
}

func pick(r *rand.Rand, items []weighted) string {
	total := 0
	for _, it := range items {
		total += it.weight
	}
	n := r.IntN(total)
	for _, it := range items {
		if n < it.weight {
			return it.value
		}
		n -= it.weight
	}
	return items[len(items)-1].value
}

func personName(r *rand.Rand) string {
	given := []rune(givenChars)
	name := pick(r, surnames) + string(given[r.IntN(len(given))])
	if r.IntN(100) < 70 {
		name += string(given[r.IntN(len(given))])
	}
	return name
}

// idNumber makes a resident identity number with a valid check character:
// the county code, the birth date, a sequence whose last digit is odd for
// men and even for women.
func idNumber(r *rand.Rand, county string, birth date, male bool) string {
	seq := r.IntN(50) * 2
	if male {
		seq++
	}
	first := fmt.Sprintf("%s%04d%02d%02d%02d%d", county, birth.y, birth.m, birth.d, r.IntN(100), seq%10)
	return first + string(cnid.IDCheckChar(first))
}

// uscc makes a unified social credit code for an enterprise registered in a
// county: 9 (market regulation) 1 (enterprise), the county, a nine-character
// organization code, the check character.
func uscc(r *rand.Rand, county string) string {
	var b strings.Builder
	b.WriteString("91")
	b.WriteString(county)
	b.WriteString("MA")
	for range 7 {
		b.WriteByte(cnid.USCCAlphabet[r.IntN(len(cnid.USCCAlphabet))])
	}
	c, _ := cnid.USCCCheckChar(b.String())
	b.WriteByte(c)
	return b.String()
}

// date is a civil date for generation.
type date struct{ y, m, d int }

func (d date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.y, d.m, d.d) }

func randomDate(r *rand.Rand, fromYear, toYear int) date {
	return date{fromYear + r.IntN(toYear-fromYear+1), 1 + r.IntN(12), 1 + r.IntN(28)}
}

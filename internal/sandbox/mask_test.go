package sandbox

import (
	"context"
	"database/sql"
	"regexp"
	"testing"

	"github.com/duckdb/duckdb-go/v2"
)

func TestMasks(t *testing.T) {
	t.Parallel()
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	for _, c := range []struct {
		mask     Mask
		in, want string
	}{
		{Mask{Kind: MaskIDNumber}, "370702198001011234", "370702********1234"},
		{Mask{Kind: MaskIDNumber}, "37070219800101123X", "370702********123X"},
		{Mask{Kind: MaskName}, "张三", "张*"},
		{Mask{Kind: MaskName}, "欧阳娜娜", "欧***"},
		{Mask{Kind: MaskMobile}, "13812345678", "138****5678"},
		{Mask{Kind: MaskAddress}, "山东省潍坊市奎文区胜利东街123号", "山东省潍坊市奎文区"},
		{Mask{Kind: MaskAddress}, "潍坊市寿光市圣城街道农圣东街", "潍坊市寿光市"},
		{Mask{Kind: MaskAddress}, "临朐县城关街道", "临朐县"},
		{Mask{Kind: MaskPartial, Prefix: 2, Suffix: 1}, "abcdef", "ab***f"},
		{Mask{Kind: MaskRedact}, "secret", "***"},
		{Mask{}, "as is", "as is"},
	} {
		var got string
		if err := db.QueryRowContext(context.Background(), "SELECT "+c.mask.sql("x")+" FROM (SELECT $1 AS x)", c.in).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s(%s) = %s, want %s", c.mask.Kind, c.in, got, c.want)
		}
	}
}

func TestListGrantMasks(t *testing.T) {
	w := theWorld(t)
	a, err := w.ask(t, w.listGrant(), `SELECT legal_rep_name, legal_rep_id_number FROM enterprise_registry LIMIT 50`)
	if err != nil {
		t.Fatal(err)
	}
	name, id := regexp.MustCompile(`^.\*+$`), regexp.MustCompile(`^[0-9]{6}\*{8}[0-9]{3}[0-9X]$`)
	for _, r := range a.Rows {
		if !name.MatchString(r[0].(string)) || !id.MatchString(r[1].(string)) {
			t.Errorf("unmasked: %v", r)
		}
	}
	// Filters see the masked value only.
	a, err = w.ask(t, w.listGrant(), `SELECT count(*) FROM enterprise_registry WHERE legal_rep_id_number LIKE '%********%'`)
	if err != nil || toInt(a.Rows[0][0]) < 900 {
		t.Errorf("masked filter: %v %v", a.Rows, err)
	}
}

func TestMaskForClass(t *testing.T) {
	t.Parallel()
	if MaskForClass("personal.identity").Kind != MaskIDNumber || MaskForClass("enterprise.registration").Kind != "" {
		t.Error("default masks by classification")
	}
}

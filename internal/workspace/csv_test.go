package workspace_test

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"strings"
	"testing"

	"shuyu/internal/sandbox"
	"shuyu/internal/store/storetest"
	"shuyu/internal/workspace"
)

// TestCSVFormulas: a released CSV defuses text a spreadsheet would run as a
// formula (a column alias or a value beginning with =, +, -, @, tab or CR)
// by prefixing it with ', leaves numbers as numbers, a negative one
// included, and the ledger's SHA-256 of the download is that of the bytes
// sent, as is the one recorded at release.
func TestCSVFormulas(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, d)
			analyst := principal(t, f.env, "analyst")
			rev, err := f.ws.Run(ctx, analyst, f.grants[sandbox.Review], `SELECT district, '=HYPERLINK("http://x")' AS "=cmd", '@SUM(1)' AS at,
				'-2+3' AS minus, '+1' AS plus, chr(9) || 'tab' AS tab, 'a=b' AS plain, -3 AS neg, COUNT(*) AS n FROM social_insurance GROUP BY district ORDER BY district`)
			if err != nil {
				t.Fatal(err)
			}
			req, err := f.ws.Request(ctx, analyst, rev.QueryID, workspace.RequestInput{Reason: "公式注入检查"})
			if err != nil {
				t.Fatal(err)
			}
			rel, err := f.ws.Decide(ctx, principal(t, f.env, "bureau"), req.ID, workspace.Approve, workspace.DecideInput{Comment: "ok"})
			if err != nil {
				t.Fatal(err)
			}
			file, err := f.ws.Download(ctx, principal(t, f.env, "operator"), rel.ID, workspace.CSV)
			if err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(file.Bytes), "\ufeff"))).ReadAll()
			if err != nil || len(recs) < 2 {
				t.Fatalf("csv: %d records, %v", len(recs), err)
			}
			want := []string{"district", "'=cmd", "at", "minus", "plus", "tab", "plain", "neg", "n"}
			if strings.Join(recs[0], "|") != strings.Join(want, "|") {
				t.Errorf("header %q, want %q", recs[0], want)
			}
			row := recs[1]
			for i, w := range []string{`'=HYPERLINK("http://x")`, "'@SUM(1)", "'-2+3", "'+1", "'\ttab", "a=b", "-3"} {
				if row[i+1] != w {
					t.Errorf("column %s: %q, want %q", recs[0][i+1], row[i+1], w)
				}
			}
			sum := sha256.Sum256(file.Bytes)
			if hex.EncodeToString(sum[:]) != file.SHA256 || file.SHA256 != rel.CSVSHA256 {
				t.Errorf("sent %x; file says %s, release %s", sum, file.SHA256, rel.CSVSHA256)
			}
			if sha := ledgerDetail(t, f, "release.download", rel.ID)["sha256"]; sha != file.SHA256 {
				t.Errorf("the ledger says %v left, the bytes sent are %s", sha, file.SHA256)
			}
		})
	}
}

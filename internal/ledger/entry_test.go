package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"
	"unicode/utf8"

	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestAppendKeepsAnyText appends records whose text PostgreSQL's TEXT cannot
// hold as given (NUL, invalid UTF-8): the append must succeed on both engines
// and store the same text, or an attacker's input could fail the act it
// records on PostgreSQL only.
func TestAppendKeepsAnyText(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := newLedger(t, db, SuiteEd25519)
		hostile := "ad\x00min\xff"
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return l.Append(ctx, tx, Record{Actor: Actor{Name: hostile, IP: hostile}, Action: "auth.login_failed",
				ObjectID: hostile, Detail: json.RawMessage(`{"user":"` + "\xfe" + `"}`)})
		})
		if err != nil {
			t.Fatalf("append: %v", err)
		}
		e, err := l.Entry(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if want := "ad\uFFFDmin\uFFFD"; e.Actor.Name != want || e.Actor.IP != want || e.ObjectID != want {
			t.Errorf("stored %q %q %q, want %q", e.Actor.Name, e.Actor.IP, e.ObjectID, want)
		}
		if !utf8.Valid(e.Detail) || !json.Valid(e.Detail) {
			t.Errorf("stored detail %q", e.Detail)
		}
		if _, err := Verify(ctx, db, l.key, nil); err != nil {
			t.Error(err)
		}
	}, Migrations)
}

func TestEntriesByNonASCIIPrefix(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := newLedger(t, db, SuiteEd25519)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return l.Append(ctx, tx, Record{Action: "审计.导出"}, Record{Action: "审计员.登录"}, Record{Action: "auth.login"})
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := l.Entries(ctx, Filter{ActionPrefix: "审计."})
		if err != nil || len(got) != 1 || got[0].Action != "审计.导出" {
			t.Errorf("entries with prefix 审计.: %v, %v; want the one 审计.导出", got, err)
		}
	}, Migrations)
}

// FuzzLeafData checks that the leaf encoding is injective: two entries that
// differ in any hashed field never encode alike, or an edit could keep its
// hash.
func FuzzLeafData(f *testing.F) {
	f.Add(int64(0), int64(0), "u", "n", "o", "j", "ip", "a", "t", "id", "{}", int64(0), int64(0), "u", "n", "o", "j", "ip", "a", "t", "id", "{}")
	f.Add(int64(1), int64(5), "ab", "", "", "", "", "x", "", "", "{}", int64(1), int64(5), "a", "b", "", "", "", "x", "", "", "{}")
	f.Fuzz(func(t *testing.T, i1, at1 int64, u1, n1, o1, j1, ip1, a1, ot1, oid1, d1 string,
		i2, at2 int64, u2, n2, o2, j2, ip2, a2, ot2, oid2, d2 string) {
		e1 := Entry{Index: i1, At: time.UnixMicro(at1), Actor: Actor{u1, n1, o1, j1, ip1}, Action: a1, ObjectType: ot1, ObjectID: oid1, Detail: []byte(d1)}
		e2 := Entry{Index: i2, At: time.UnixMicro(at2), Actor: Actor{u2, n2, o2, j2, ip2}, Action: a2, ObjectType: ot2, ObjectID: oid2, Detail: []byte(d2)}
		same := i1 == i2 && at1 == at2 && e1.Actor == e2.Actor && a1 == a2 && ot1 == ot2 && oid1 == oid2 && d1 == d2
		if enc := bytes.Equal(e1.leafData(), e2.leafData()); enc != same {
			t.Errorf("entries equal: %v, encodings equal: %v\n%+v\n%+v", same, enc, e1, e2)
		}
	})
}

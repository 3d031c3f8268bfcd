package store

import (
	"strings"
	"testing"
)

func TestRebind(t *testing.T) {
	t.Parallel()
	sqlite := &DB{dialect: SQLite}
	cases := []struct{ in, want string }{
		{`SELECT $1, $2, $10`, `SELECT ?1, ?2, ?10`},
		{`x=$1`, `x=?1`},
		{`SELECT 'it''s $1', $2`, `SELECT 'it''s $1', ?2`},
		{`SELECT "a""$1", $1`, `SELECT "a""$1", ?1`},
		{`SELECT a$1 FROM t WHERE x = $1`, `SELECT a$1 FROM t WHERE x = ?1`},
		{"SELECT x -- don't\nFROM t WHERE a = $1 AND b = 'cost $2'", "SELECT x -- don't\nFROM t WHERE a = ?1 AND b = 'cost $2'"},
		{`SELECT x /* it's */ FROM t WHERE a = $1 AND b = '$2'`, `SELECT x /* it's */ FROM t WHERE a = ?1 AND b = '$2'`},
		{`SELECT $1 -- $2 to the end`, `SELECT ?1 -- $2 to the end`},
		{`SELECT $1, 'unterminated $2`, `SELECT ?1, 'unterminated $2`},
		{`SELECT $1 /* unterminated $2`, `SELECT ?1 /* unterminated $2`},
		{`SELECT $ 1, $`, `SELECT $ 1, $`},
	}
	for _, c := range cases {
		if got := sqlite.rebind(c.in); got != c.want {
			t.Errorf("rebind(%q)\n = %q\nwant %q", c.in, got, c.want)
		}
	}
	if q := `SELECT $1`; (&DB{dialect: Postgres}).rebind(q) != q {
		t.Error("rebind changed a PostgreSQL query")
	}
}

func TestRedactHidesPasswords(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{
		"postgres://shuyu:s3cret@db.example:5432/shuyu?sslmode=require",
		"postgres://shuyu@db.example/shuyu?password=s3cret",
		"postgresql://db.example/shuyu?user=shuyu&password=s3cret&sslpassword=s3cret",
		"postgres://shuyu:s3cret@db.example/%zz",
	} {
		got := redact(dsn)
		if strings.Contains(got, "s3cret") {
			t.Errorf("redact(%q) = %q, which still holds the password", dsn, got)
		}
	}
	if got := redact("postgres://shuyu@db.example:5432/shuyu"); got != "postgres://shuyu@db.example:5432/shuyu" {
		t.Errorf("redact changed a DSN without a password: %q", got)
	}
}

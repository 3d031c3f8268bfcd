package domain

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"strings"
)

// rejectsTable collects the rows DuckDB could not convert; one per
// connection, dropped before each use.
const rejectsTable = "shuyu_rejects"

// csvQuery reads a UTF-8 CSV source with the declared types, in the
// declared column order, setting rejected rows aside for csvRejects.
func csvQuery(in Input) (string, []Problem, error) {
	header, err := readHeader(in.Path)
	if err != nil {
		return "", nil, err
	}
	if problems := matchHeader(header, in.Columns); len(problems) > 0 {
		return "", problems, nil
	}
	types := map[string]string{}
	for _, c := range in.Columns {
		types[c.Name] = engineType[c.Type]
	}
	cols := make([]string, len(header))
	for i, h := range header {
		cols[i] = quote(h) + ": " + quote(types[h])
	}
	return `SELECT ` + selectList(in.Columns, "") + ` FROM read_csv(` + quote(in.Path) + `, header = true, auto_detect = false,
		delim = ',', quote = '"', escape = '"', columns = {` + strings.Join(cols, ", ") + `},
		dateformat = '%Y-%m-%d', store_rejects = true, rejects_table = ` + quote(rejectsTable) + `,
		rejects_scan = ` + quote(rejectsTable+"_scan") + `, rejects_limit = ` + fmt.Sprint(MaxProblems) + `)`, nil, nil
}

func selectList(columns []Column, cast string) string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = ident(c.Name)
		if cast != "" {
			out[i] = cast + "(" + ident(c.Name) + " AS " + engineType[c.Type] + ") AS " + ident(c.Name)
		}
	}
	return strings.Join(out, ", ")
}

// csvRejects reads what the last read_csv set aside.
func csvRejects(ctx context.Context, conn *sql.Conn) ([]Problem, error) {
	rows, err := conn.QueryContext(ctx, `SELECT line, column_idx, COALESCE(column_name, ''), error_type, COALESCE(csv_line, ''), COALESCE(error_message, '')
		FROM `+ident(rejectsTable)+` ORDER BY line, column_idx LIMIT `+fmt.Sprint(MaxProblems))
	if err != nil {
		return nil, fmt.Errorf("domain: read rejects: %w", err)
	}
	defer rows.Close()
	var out []Problem
	for rows.Next() {
		var (
			p               Problem
			col             int64
			kind, line, msg string
		)
		if err := rows.Scan(&p.Line, &col, &p.Column, &kind, &line, &msg); err != nil {
			return nil, err
		}
		p.Value, p.Reason = valueAt(line, col), reason(kind, msg)
		out = append(out, p)
	}
	return out, rows.Err()
}

// valueAt returns the col-th (1-based) value of a CSV line.
func valueAt(line string, col int64) string {
	r := csv.NewReader(strings.NewReader(line))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	rec, err := r.Read()
	if err != nil || col < 1 || int(col) > len(rec) {
		return ""
	}
	return rec[col-1]
}

// reason says in a provider's terms why a value was refused.
func reason(kind, msg string) string {
	switch kind {
	case "CAST":
		if i := strings.Index(msg, " to '"); i >= 0 {
			return "not a valid " + strings.TrimSuffix(msg[i+5:], "'")
		}
		return "wrong type"
	case "TOO MANY COLUMNS":
		return "the line has more values than the header has columns"
	case "MISSING COLUMNS":
		return "the line has fewer values than the header has columns"
	case "UNQUOTED VALUE":
		return "a value contains a quote but is not quoted"
	case "LINE SIZE OVER MAXIMUM":
		return "the line is too long"
	case "INVALID UNICODE":
		return "the text is not valid UTF-8 (declare the encoding, e.g. gb18030)"
	}
	return strings.ToLower(kind) + ": " + msg
}

// parquetQuery reads a Parquet source cast to the declared types, after
// checking that every declared column is there and every value converts.
func parquetQuery(ctx context.Context, conn *sql.Conn, in Input) (string, []Problem, error) {
	src := `read_parquet(` + quote(in.Path) + `)`
	rows, err := conn.QueryContext(ctx, `SELECT column_name FROM (DESCRIBE SELECT * FROM `+src+`)`)
	if err != nil {
		return "", []Problem{{Line: 1, Reason: "not a readable Parquet file: " + engineMessage(err)}}, nil
	}
	var header []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return "", nil, err
		}
		header = append(header, name)
	}
	rows.Close()
	if problems := matchHeader(header, in.Columns); len(problems) > 0 {
		return "", problems, nil
	}
	var checks []string
	for _, c := range in.Columns {
		checks = append(checks, fmt.Sprintf(`SELECT rn, %s AS col, CAST(%s AS VARCHAR) AS val FROM numbered
			WHERE %s IS NOT NULL AND TRY_CAST(%s AS %s) IS NULL`, quote(c.Name), ident(c.Name), ident(c.Name), ident(c.Name), engineType[c.Type]))
	}
	bad, err := conn.QueryContext(ctx, `WITH numbered AS (SELECT row_number() OVER () AS rn, * FROM `+src+`) `+
		strings.Join(checks, " UNION ALL ")+fmt.Sprintf(` ORDER BY rn, col LIMIT %d`, MaxProblems))
	if err != nil {
		return "", nil, fmt.Errorf("domain: check Parquet: %w", err)
	}
	defer bad.Close()
	var problems []Problem
	types := map[string]string{}
	for _, c := range in.Columns {
		types[c.Name] = c.Type
	}
	for bad.Next() {
		var p Problem
		if err := bad.Scan(&p.Line, &p.Column, &p.Value); err != nil {
			return "", nil, err
		}
		p.Reason = "not a valid " + types[p.Column]
		problems = append(problems, p)
	}
	if err := bad.Err(); err != nil {
		return "", nil, err
	}
	return `SELECT ` + selectList(in.Columns, "CAST") + ` FROM ` + src, problems, nil
}

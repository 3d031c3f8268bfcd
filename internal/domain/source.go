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
// Integers are read as text and, when strict, converted by strictInteger.
func csvQuery(in Input, strict bool) (string, []Problem, error) {
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
		if c.Type == "integer" {
			types[c.Name] = "VARCHAR"
		}
	}
	sel := make([]string, len(in.Columns))
	for i, c := range in.Columns {
		sel[i] = ident(c.Name)
		if c.Type == "integer" && strict {
			sel[i] = strictInteger(c.Name)
		}
	}
	return `SELECT ` + strings.Join(sel, ", ") + ` FROM ` + readCSV(in.Path, header, types, `store_rejects = true, rejects_table = `+
		quote(rejectsTable)+`, rejects_scan = `+quote(rejectsTable+"_scan")+`, rejects_limit = `+fmt.Sprint(MaxProblems)), nil, nil
}

// readCSV reads a CSV file whose header is given, each column as the
// engine type types names, with more options.
func readCSV(path string, header []string, types map[string]string, options string) string {
	cols := make([]string, len(header))
	for i, h := range header {
		cols[i] = quote(h) + ": " + quote(types[h])
	}
	return `read_csv(` + quote(path) + `, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
		columns = {` + strings.Join(cols, ", ") + `}, dateformat = '%Y-%m-%d', ` + options + `)`
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

// dropRejects empties the connection's rejects tables, which read_csv
// would otherwise add to: a pooled connection keeps them from its last use.
func dropRejects(ctx context.Context, conn *sql.Conn) error {
	for _, t := range []string{rejectsTable, rejectsTable + "_scan"} {
		if _, err := conn.ExecContext(ctx, `DROP TABLE IF EXISTS `+ident(t)); err != nil {
			return fmt.Errorf("domain: clear rejects: %w", err)
		}
	}
	return nil
}

// csvRejects reads what the last read_csv set aside.
func csvRejects(ctx context.Context, conn *sql.Conn, columns []Column) ([]Problem, error) {
	types := map[string]string{}
	for _, c := range columns {
		types[c.Name] = c.Type
	}
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
		p.Value, p.Reason = valueAt(line, col), reason(kind, msg, types[p.Column])
		if strings.HasPrefix(kind, "INVALID") {
			p.Value = "" // bytes in another encoding would show as garbage
		}
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

// reason says in a provider's terms why a value of a column declared as
// fieldType was refused.
func reason(kind, msg, fieldType string) string {
	switch kind {
	case "CAST":
		return invalid(fieldType)
	case "TOO MANY COLUMNS":
		return "the line has more values than the header has columns"
	case "MISSING COLUMNS":
		return "the line has fewer values than the header has columns"
	case "INVALID ENCODING", "INVALID UNICODE":
		return "the text is not valid UTF-8 (declare the encoding, e.g. gb18030)"
	case "UNQUOTED VALUE":
		return "a value contains a quote but is not quoted"
	case "LINE SIZE OVER MAXIMUM":
		return "the line is too long"
	}
	return strings.ToLower(kind) + ": " + msg
}

// invalid says why a value does not fit a field type, in the provider's
// terms and with the form expected.
func invalid(fieldType string) string {
	return "not a valid " + fieldType + map[string]string{
		"integer":   " (a whole number)",
		"decimal":   " (a number with at most 14 digits before the point and 4 after it)",
		"date":      " (YYYY-MM-DD)",
		"timestamp": " (YYYY-MM-DD HH:MM:SS)",
		"boolean":   " (true or false)",
	}[fieldType]
}

package ingest

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"shuyu/internal/calendar"
	"shuyu/internal/catalog"
	"shuyu/internal/domain"
	"shuyu/internal/errs"
)

// sourceIdent is a source table, schema or column name: letters (Chinese
// too), digits, _ and $. With no quote character in it, quoting it is safe.
var sourceIdent = regexp.MustCompile(`^[\p{L}_][\p{L}\p{N}_$]{0,62}$`)

// systemSchemas are the engines' own catalogs, never a source.
var systemSchemas = []string{"pg_catalog", "information_schema", "mysql", "performance_schema", "sys"}

// parseTable reads "table" or "schema.table".
func parseTable(s string) ([]string, error) {
	parts := strings.Split(s, ".")
	if len(parts) > 2 {
		return nil, errs.E(errs.Invalid, "table %q: want table or schema.table", s)
	}
	for _, p := range parts {
		if !sourceIdent.MatchString(p) {
			return nil, errs.E(errs.Invalid, "table %q: %q is not a plain name (letters, digits, _ and $)", s, p)
		}
	}
	if (len(parts) == 2 && slices.Contains(systemSchemas, strings.ToLower(parts[0]))) || strings.HasPrefix(strings.ToLower(parts[len(parts)-1]), "pg_") {
		return nil, errs.E(errs.Invalid, "table %q belongs to the database's own catalog, which is never a source", s)
	}
	return parts, nil
}

// quoteIdent quotes a checked name for the driver's SQL.
func quoteIdent(driver, name string) string {
	if driver == MySQL {
		return "`" + name + "`"
	}
	return `"` + name + `"`
}

func qualified(driver string, table []string) string {
	out := make([]string, len(table))
	for i, p := range table {
		out[i] = quoteIdent(driver, p)
	}
	return strings.Join(out, ".")
}

// family groups a source column's type by what it can become.
func family(dbType string) string {
	t := strings.TrimPrefix(strings.ToUpper(dbType), "UNSIGNED ")
	switch t {
	case "INT2", "INT4", "INT8", "SMALLINT", "INTEGER", "INT", "BIGINT", "TINYINT", "MEDIUMINT", "YEAR":
		return "integer"
	case "NUMERIC", "DECIMAL", "FLOAT4", "FLOAT8", "FLOAT", "DOUBLE", "REAL":
		return "decimal"
	case "DATE":
		return "date"
	case "TIMESTAMP", "TIMESTAMPTZ", "DATETIME":
		return "timestamp"
	case "BOOL", "BOOLEAN":
		return "boolean"
	case "BYTEA", "BLOB", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB", "BINARY", "VARBINARY", "BIT", "GEOMETRY":
		return "binary"
	}
	return "text"
}

// becomes lists, per field type, the source families whose values may hold
// it; the engine still checks every value.
var becomes = map[catalog.FieldType][]string{
	catalog.Text:      {"text", "integer", "decimal", "date", "timestamp", "boolean"},
	catalog.Integer:   {"integer", "decimal", "text"},
	catalog.Decimal:   {"integer", "decimal", "text"},
	catalog.Date:      {"date", "text"},
	catalog.Timestamp: {"timestamp", "date", "text"},
	catalog.Boolean:   {"boolean", "integer", "text"},
}

// probe checks that the source table has, for every field of the entry, a
// column of a type that can become the field's; it reads no row.
func probe(ctx context.Context, db *sql.DB, driver string, table []string, columns map[string]string, fields []catalog.Field) error {
	rows, err := db.QueryContext(ctx, `SELECT * FROM `+qualified(driver, table)+` WHERE 1 = 0`)
	if err != nil {
		return err
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	have := map[string]string{}
	var names []string
	for _, ct := range cts {
		have[ct.Name()] = ct.DatabaseTypeName()
		names = append(names, ct.Name())
	}
	var problems []domain.Problem
	for _, f := range fields {
		col := columns[f.Name]
		typ, ok := have[col]
		switch {
		case !ok:
			problems = append(problems, domain.Problem{Line: 1, Column: f.Name,
				Reason: fmt.Sprintf("the table has no column %q for this field (it has %s); name the column in columns", col, strings.Join(names, ", "))})
		case !slices.Contains(becomes[f.Type], family(typ)):
			problems = append(problems, domain.Problem{Line: 1, Column: f.Name,
				Reason: fmt.Sprintf("column %q is of type %s, which cannot become %s", col, typ, f.Type)})
		}
	}
	if len(problems) > 0 {
		e := errs.E(errs.Invalid, "the source table %s does not fit the entry's fields: %d problem(s); first: %s: %s",
			strings.Join(table, "."), len(problems), problems[0].Column, problems[0].Reason)
		e.Details = map[string]any{"problems": problems}
		return e
	}
	return rows.Err()
}

// read streams the rows of the source table as UTF-8 CSV into w, with the
// entry's field names as header and each value in the text form the engine
// reads for the field's type, in one read-only transaction (one consistent
// snapshot of the table).
func read(ctx context.Context, db *sql.DB, driver string, table []string, columns map[string]string, fields []catalog.Field,
	statement time.Duration, w io.Writer) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	opts := &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	if driver == MySQL {
		// MariaDB and MySQL name their statement time limit differently;
		// the one the server lacks fails harmlessly.
		conn.ExecContext(ctx, fmt.Sprintf("SET SESSION max_statement_time = %d", int(statement.Seconds())))
		conn.ExecContext(ctx, fmt.Sprintf("SET SESSION max_execution_time = %d", statement.Milliseconds()))
	}
	tx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback() // read only: nothing to commit
	sel := make([]string, len(fields))
	header := make([]string, len(fields))
	for i, f := range fields {
		sel[i], header[i] = quoteIdent(driver, columns[f.Name]), f.Name
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+strings.Join(sel, ", ")+` FROM `+qualified(driver, table))
	if err != nil {
		return err
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := csv.NewWriter(bw)
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(fields))
	vals := make([]any, len(fields))
	dest := make([]any, len(fields))
	for i := range vals {
		dest[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		for i, f := range fields {
			rec[i] = text(vals[i], f.Type, cts[i].DatabaseTypeName())
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// text renders a scanned value as the engine reads the field's type. An
// instant with a zone becomes the civil time in Asia/Shanghai, which is how
// timestamps without a zone are read everywhere in the platform.
func text(v any, typ catalog.FieldType, dbType string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		if strings.EqualFold(dbType, "TIMESTAMPTZ") {
			x = x.In(calendar.Shanghai())
		}
		if typ == catalog.Date {
			return x.Format(time.DateOnly)
		}
		return x.Format("2006-01-02 15:04:05.999999")
	}
	return fmt.Sprint(v)
}

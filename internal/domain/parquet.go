package domain

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// parquetQuery reads a Parquet source cast to the declared types, after
// checking that every declared column is there, that its type can become the
// declared one, and that every value converts without loss. (The engine's
// TRY_CAST accepts any type, giving NULL, so types are judged here.)
func parquetQuery(ctx context.Context, conn *sql.Conn, in Input) (string, []Problem, error) {
	src := `read_parquet(` + quote(in.Path) + `)`
	names, types, err := parquetSchema(ctx, conn, src)
	if err != nil {
		return "", []Problem{{Line: 1, Reason: "not a readable Parquet file: " + engineMessage(err)}}, nil
	}
	if problems := matchHeader(names, in.Columns); len(problems) > 0 {
		return "", problems, nil
	}
	var (
		problems []Problem
		values   []string // each column as text, to quote a bad value
		bad      []string // per column, the condition of a bad value
	)
	for _, c := range in.Columns {
		if t := types[c.Name]; c.Type != "text" && nested(t) {
			problems = append(problems, Problem{Line: 1, Column: c.Name, Reason: fmt.Sprintf("the column is of type %s, which cannot hold %s values", t, c.Type)})
			continue
		}
		cast := "TRY_CAST(" + ident(c.Name) + " AS " + engineType[c.Type] + ")"
		cond := cast + " IS NULL"
		if c.Type == "integer" && fractional(types[c.Name]) {
			cond += " OR " + cast + " <> " + ident(c.Name) // 2.5 would round to 3
		}
		values = append(values, "CAST("+ident(c.Name)+" AS VARCHAR)")
		bad = append(bad, fmt.Sprintf("(%s IS NOT NULL AND (%s))", ident(c.Name), cond))
	}
	if len(problems) > 0 {
		return "", problems, nil
	}
	problems, err = parquetProblems(ctx, conn, in, values, bad)
	if err != nil {
		return "", nil, err
	}
	return `SELECT ` + selectList(in.Columns, "CAST") + ` FROM ` + src, problems, nil
}

// parquetSchema returns the column names of a Parquet file in order, and
// their engine types.
func parquetSchema(ctx context.Context, conn *sql.Conn, src string) ([]string, map[string]string, error) {
	rows, err := conn.QueryContext(ctx, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM `+src+`)`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var names []string
	types := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, nil, err
		}
		names = append(names, name)
		types[name] = typ
	}
	return names, types, rows.Err()
}

// parquetProblems finds the first rows with a bad value, in one scan.
func parquetProblems(ctx context.Context, conn *sql.Conn, in Input, values, bad []string) ([]Problem, error) {
	rows, err := conn.QueryContext(ctx, `SELECT file_row_number + 1, `+strings.Join(values, ", ")+`, `+strings.Join(bad, ", ")+
		` FROM read_parquet(`+quote(in.Path)+`, file_row_number = true) WHERE `+strings.Join(bad, " OR ")+
		fmt.Sprintf(` ORDER BY file_row_number LIMIT %d`, MaxProblems))
	if err != nil {
		return nil, fmt.Errorf("domain: check Parquet: %w", err)
	}
	defer rows.Close()
	n := len(in.Columns)
	var (
		line  int64
		vals  = make([]sql.NullString, n)
		flags = make([]sql.NullBool, n)
		dest  = []any{&line}
	)
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	for i := range flags {
		dest = append(dest, &flags[i])
	}
	var problems []Problem
	for rows.Next() && len(problems) < MaxProblems {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		for i, c := range in.Columns {
			if flags[i].Bool {
				problems = append(problems, Problem{Line: line, Column: c.Name, Value: vals[i].String, Reason: invalid(c.Type)})
			}
		}
	}
	return problems[:min(len(problems), MaxProblems)], rows.Err()
}

// fractional reports whether an engine type can hold fractions.
func fractional(typ string) bool {
	return strings.HasPrefix(typ, "DECIMAL") || typ == "DOUBLE" || typ == "FLOAT"
}

// nested reports whether an engine type is a list, a structure, a map or
// bytes: none becomes a number, a date or a boolean.
func nested(typ string) bool {
	return strings.HasSuffix(typ, "]") || typ == "BLOB" ||
		strings.HasPrefix(typ, "STRUCT") || strings.HasPrefix(typ, "MAP") || strings.HasPrefix(typ, "UNION")
}

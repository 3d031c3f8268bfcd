package domain

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// The engine turns text such as 3.5 or 1e3 into an integer by rounding. A
// field declared integer must hold whole numbers as written, so CSV
// integers are read as text and converted only when they are written as
// one; anything else stops the conversion, and csvAllProblems then lists
// the values at fault.
const (
	wholeNumber = `\s*[+-]?[0-9]+\s*`
	notWhole    = "shuyu: not a whole number"
)

// strictInteger converts a text column to BIGINT, or fails with notWhole.
func strictInteger(col string) string {
	c := ident(col)
	return `CASE WHEN ` + c + ` IS NULL OR regexp_full_match(` + c + `, '` + wholeNumber + `') THEN CAST(trim(` + c + `) AS BIGINT) ` +
		`ELSE error('` + notWhole + `') END AS ` + c
}

// csvProblems lists the first problems of a refused CSV source: the values
// the engine set aside, and the integers that are not whole numbers (in
// rows it set aside, the conversion never saw them). When the conversion
// stopped at such an integer, rescan reads the whole file again for the
// values it set aside.
func csvProblems(ctx context.Context, conn *sql.Conn, in Input, rescan bool) ([]Problem, error) {
	if rescan {
		if err := dropRejects(ctx, conn); err != nil {
			return nil, err
		}
		q, _, err := csvQuery(in, false)
		if err != nil {
			return nil, err
		}
		// Hashing every column keeps the engine from skipping any.
		if _, err := conn.ExecContext(ctx, `SELECT bit_xor(hash(`+selectList(in.Columns, "")+`)) FROM (`+q+`)`); err != nil {
			return nil, fmt.Errorf("domain: find problems: %w", err)
		}
	}
	problems, err := csvRejects(ctx, conn, in.Columns)
	if err != nil {
		return nil, err
	}
	integers, err := csvIntegerProblems(ctx, conn, in)
	if err != nil {
		return nil, err
	}
	order := map[string]int{}
	for i, c := range in.Columns {
		order[c.Name] = i
	}
	problems = append(problems, integers...)
	if len(problems) == 0 {
		return nil, fmt.Errorf("domain: the engine refused %s, but no problem was found", in.Path)
	}
	slices.SortStableFunc(problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(order[a.Column], order[b.Column]))
	})
	return problems[:min(len(problems), MaxProblems)], nil
}

// csvIntegerProblems finds the first values of integer columns that are not
// whole numbers. Lines count records from the header's line 1: they match
// the file's lines unless a quoted value spans lines.
func csvIntegerProblems(ctx context.Context, conn *sql.Conn, in Input) ([]Problem, error) {
	header, err := readHeader(in.Path)
	if err != nil {
		return nil, err
	}
	types := map[string]string{}
	for _, h := range header {
		types[h] = "VARCHAR"
	}
	var cols, checks []string
	for _, c := range in.Columns {
		if c.Type == "integer" {
			cols = append(cols, ident(c.Name))
			checks = append(checks, fmt.Sprintf(`SELECT line, %s AS col, %s AS val FROM numbered WHERE %s IS NOT NULL AND NOT regexp_full_match(%s, '%s')`,
				quote(c.Name), ident(c.Name), ident(c.Name), ident(c.Name), wholeNumber))
		}
	}
	if len(cols) == 0 {
		return nil, nil
	}
	rows, err := conn.QueryContext(ctx, `WITH numbered AS (SELECT row_number() OVER () + 1 AS line, `+strings.Join(cols, ", ")+
		` FROM `+readCSV(in.Path, header, types, "ignore_errors = true")+`) `+strings.Join(checks, " UNION ALL ")+
		fmt.Sprintf(` ORDER BY line, col LIMIT %d`, MaxProblems))
	if err != nil {
		return nil, fmt.Errorf("domain: find integer problems: %w", err)
	}
	defer rows.Close()
	var problems []Problem
	for rows.Next() {
		p := Problem{Reason: invalid("integer")}
		if err := rows.Scan(&p.Line, &p.Column, &p.Value); err != nil {
			return nil, err
		}
		problems = append(problems, p)
	}
	return problems, rows.Err()
}

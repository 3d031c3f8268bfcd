package sandbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/duckdb/duckdb-go/v2"

	"shuyu/internal/errs"
)

// MaxSQL is the longest query text the sandbox parses.
const MaxSQL = 64 << 10

// parser turns SQL into DuckDB's syntax tree and back, on an engine of its
// own that holds no data, cannot reach files or the network and cannot be
// reconfigured: parsing is the one step that sees the raw text, and it runs
// where nothing can be read. It parses exactly the dialect that executes.
// Its statements are prepared once: preparing costs more than parsing a
// query.
type parser struct {
	db *sql.DB

	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func openParser(ctx context.Context) (*parser, error) {
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("sandbox: parser engine: %w", err)
	}
	db := sql.OpenDB(connector)
	for _, stmt := range []string{
		"SET threads = 1",
		"SET memory_limit = '64MB'",
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = false",
		"SET enable_external_access = false",
		"SET lock_configuration = true",
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			db.Close()
			return nil, fmt.Errorf("sandbox: parser engine: %s: %w", stmt, err)
		}
	}
	return &parser{db: db, stmts: map[string]*sql.Stmt{}}, nil
}

// run runs one of the parser's statements, prepared the first time.
func (p *parser) run(ctx context.Context, query string, args []any, dest ...any) error {
	p.mu.Lock()
	st, ok := p.stmts[query]
	if !ok {
		var err error
		if st, err = p.db.PrepareContext(ctx, query); err != nil {
			p.mu.Unlock()
			return err
		}
		p.stmts[query] = st
	}
	p.mu.Unlock()
	return st.QueryRowContext(ctx, args...).Scan(dest...)
}

// parse returns the single SELECT statement of text, or a refusal.
func (p *parser) parse(ctx context.Context, text string) (node, error) {
	if len(text) > MaxSQL {
		return nil, refuse("parse", "the query is longer than %d KiB", MaxSQL>>10)
	}
	if strings.TrimSpace(text) == "" {
		return nil, refuse("parse", "the query is empty; write one SELECT statement")
	}
	var out string
	if err := p.run(ctx, `SELECT json_serialize_sql($1::VARCHAR)::VARCHAR`, []any{text}, &out); err != nil {
		return nil, errs.Wrap(err, "the query could not be parsed")
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	var res struct {
		Error      bool   `json:"error"`
		Message    string `json:"error_message"`
		Statements []node `json:"statements"`
	}
	if err := dec.Decode(&res); err != nil {
		return nil, errs.Wrap(err, "the parser's answer could not be read")
	}
	switch {
	case res.Error && strings.Contains(res.Message, "Only SELECT statements"):
		return nil, refuse("parse", "only a single SELECT statement (with WITH clauses) is accepted; DDL, DML, COPY, ATTACH, EXPORT, PRAGMA, SET, INSTALL, LOAD, CALL, PREPARE and EXECUTE are not")
	case res.Error:
		// The parser saw no data: its message is about the text alone.
		msg, _, _ := strings.Cut(res.Message, "\n")
		return nil, refuse("parse", "syntax error: %s", msg)
	case len(res.Statements) != 1:
		return nil, refuse("parse", "exactly one statement is accepted; this text has %d", len(res.Statements))
	}
	st := res.Statements[0]
	if len(list(st, "named_param_map")) > 0 {
		return nil, refuse("parse", "parameters ($1, ?) are not accepted; write the values in the query")
	}
	root := obj(st, "node")
	if root == nil {
		return nil, refuse("parse", "the statement is not a query")
	}
	stripLocations(root)
	return root, nil
}

// render turns query trees into SQL text, in one round trip.
func (p *parser) render(ctx context.Context, roots ...node) ([]string, error) {
	if len(roots) == 0 {
		return nil, nil
	}
	sel := make([]string, len(roots))
	args := make([]any, len(roots))
	for i, r := range roots {
		b, err := marshal(node{"error": false, "statements": []any{node{"node": r, "named_param_map": []any{}}}})
		if err != nil {
			return nil, err
		}
		sel[i] = fmt.Sprintf("json_deserialize_sql($%d::JSON)", i+1)
		args[i] = string(b)
	}
	out := make([]string, len(roots))
	dest := make([]any, len(roots))
	for i := range out {
		dest[i] = &out[i]
	}
	if err := p.run(ctx, "SELECT "+strings.Join(sel, ", "), args, dest...); err != nil {
		return nil, errs.Wrap(err, "the analyzed query could not be rendered")
	}
	return out, nil
}

// names returns the column name the engine gives each expression when it
// has no alias: its rendering. Rewritten select lists keep the names the
// analyst's query would have had. The expressions are rendered as one
// select list whose items carry random marker aliases, found in the text
// afterwards.
func (p *parser) names(ctx context.Context, exprs []node) ([]string, error) {
	if len(exprs) == 0 {
		return nil, nil
	}
	nonce := make([]byte, 12)
	rand.Read(nonce)
	marker := "shuyu_name_" + hex.EncodeToString(nonce) + "_"
	items := make([]node, len(exprs))
	for i, e := range exprs {
		items[i] = aliased(clone(e).(node), fmt.Sprintf("%s%d", marker, i))
	}
	text, err := p.render(ctx, selectNode(items, node{"type": "EMPTY", "alias": "", "sample": nil}))
	if err != nil {
		return nil, err
	}
	rest, ok := strings.CutPrefix(text[0], "SELECT ")
	if !ok {
		return nil, errs.E(errs.Internal, "unexpected rendering of a select list")
	}
	out := make([]string, len(exprs))
	for i := range exprs {
		m := fmt.Sprintf(`%s%d`, marker, i)
		j := strings.Index(rest, m)
		if j < 0 {
			return nil, errs.E(errs.Internal, "unexpected rendering of a select list")
		}
		expr := strings.TrimSuffix(rest[:j], `"`)
		out[i] = strings.TrimSuffix(expr, " AS ")
		rest = strings.TrimPrefix(strings.TrimPrefix(rest[j+len(m):], `"`), ", ")
	}
	return out, nil
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, errs.Wrap(err, "the analyzed query could not be encoded")
	}
	return bytes.TrimSpace(buf.Bytes()), nil
}

func (p *parser) close() error {
	p.mu.Lock()
	for _, st := range p.stmts {
		st.Close()
	}
	p.mu.Unlock()
	return p.db.Close()
}

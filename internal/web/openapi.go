package web

import (
	"encoding"
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// openAPIHandler serves the OpenAPI 3.1 document built from the route table,
// so the document and the router can never disagree.
func (s *Server) openAPIHandler() http.Handler {
	var (
		once sync.Once
		doc  []byte
	)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { doc, _ = json.Marshal(s.openAPI()) })
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(doc)
	})
}

type object = map[string]any

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

func (s *Server) openAPI() object {
	g := &schemaGen{defs: object{}}
	paths := object{}
	for _, rt := range s.routes {
		item, _ := paths[rt.path].(object)
		if item == nil {
			item = object{}
			paths[rt.path] = item
		}
		item[strings.ToLower(rt.method)] = g.operation(rt)
	}
	paths["/api/v1/openapi.json"] = object{"get": object{
		"summary": "This document", "tags": []string{"meta"}, "operationId": "getOpenAPI",
		"responses": object{"200": object{"description": "OpenAPI 3.1 document", "content": object{"application/json": object{"schema": object{"type": "object"}}}}},
	}}
	return object{
		"openapi": "3.1.0",
		"info": object{
			"title":       "shuyu 数域 API",
			"version":     s.Version,
			"description": "Public data resource authorized-operation platform (公共数据资源授权运营平台). Errors are {\"error\":{\"code\",\"message\"}}; lists are {\"items\",\"next\"} with ?limit= and ?after=.",
		},
		"servers": []object{{"url": "/"}},
		"paths":   paths,
		"components": object{
			"schemas": g.defs,
			"securitySchemes": object{
				"bearer": object{"type": "http", "scheme": "bearer", "description": "A token from POST /api/v1/auth/login, or an application unit's API key"},
			},
		},
	}
}

func (g *schemaGen) operation(rt route) object {
	op := object{
		"summary":     rt.summary,
		"tags":        []string{rt.tag},
		"operationId": operationID(rt),
	}
	var params []object
	for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
		typ := "string"
		if m[1] == "index" || m[1] == "year" {
			typ = "integer"
		}
		params = append(params, object{"name": m[1], "in": "path", "required": true, "schema": object{"type": typ}})
	}
	for _, q := range rt.query {
		p := object{"name": q.name, "in": "query", "required": q.required, "schema": object{"type": q.typ}}
		if q.doc != "" {
			p["description"] = q.doc
		}
		params = append(params, p)
	}
	if params != nil {
		op["parameters"] = params
	}
	if rt.in != nil {
		op["requestBody"] = object{"required": true, "content": object{"application/json": object{"schema": g.schema(reflect.TypeOf(rt.in))}}}
	}
	status := rt.status
	if status == 0 {
		status = http.StatusOK
	}
	responses := object{}
	if rt.download != "" {
		responses[strconv.Itoa(status)] = object{"description": "the file", "content": object{rt.download: object{"schema": object{"type": "string", "format": "binary"}}}}
	} else if rt.out != nil {
		responses[strconv.Itoa(status)] = object{"description": http.StatusText(status), "content": object{"application/json": object{"schema": g.schema(reflect.TypeOf(rt.out))}}}
	} else {
		responses["204"] = object{"description": "Done"}
	}
	errRef := g.schema(reflect.TypeFor[ErrorBody]())
	errCodes := []int{400, 429, 500}
	if rt.action != "" {
		op["security"] = []object{{"bearer": []string{}}}
		op["x-shuyu-action"] = rt.action
		errCodes = append(errCodes, 401, 403, 404, 409)
	}
	for _, c := range errCodes {
		responses[strconv.Itoa(c)] = object{"description": http.StatusText(c), "content": object{"application/json": object{"schema": errRef}}}
	}
	op["responses"] = responses
	return op
}

func operationID(rt route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.method))
	for _, part := range strings.Split(strings.TrimPrefix(rt.path, "/api/v1/"), "/") {
		part = strings.Trim(part, "{}")
		for _, w := range strings.FieldsFunc(part, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// schemaGen turns Go types into JSON Schema, keeping named structs as
// reusable components.
type schemaGen struct{ defs object }

var (
	timeType          = reflect.TypeFor[time.Time]()
	rawType           = reflect.TypeFor[json.RawMessage]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func (g *schemaGen) schema(t reflect.Type) object {
	switch {
	case t == timeType:
		return object{"type": "string", "format": "date-time"}
	case t == rawType:
		return object{"description": "any JSON value"}
	case t.Implements(textMarshalerType):
		return object{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.schema(t.Elem())
	case reflect.String:
		return object{"type": "string"}
	case reflect.Bool:
		return object{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return object{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return object{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return object{"type": "string", "contentEncoding": "base64"}
		}
		return object{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return object{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Interface:
		return object{}
	case reflect.Struct:
		name := schemaName(t)
		if name == "" {
			return g.structSchema(t)
		}
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = object{} // reserve the name first: types may refer to themselves
			g.defs[name] = g.structSchema(t)
		}
		return object{"$ref": "#/components/schemas/" + name}
	}
	return object{}
}

// schemaName names a component after its package and type; anonymous and
// generic types are inlined.
func schemaName(t reflect.Type) string {
	if t.Name() == "" || strings.Contains(t.Name(), "[") {
		return ""
	}
	pkg := t.PkgPath()
	return pkg[strings.LastIndex(pkg, "/")+1:] + "." + t.Name()
}

func (g *schemaGen) structSchema(t reflect.Type) object {
	props := object{}
	var required []string
	g.fields(t, props, &required)
	s := object{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func (g *schemaGen) fields(t reflect.Type, props object, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.fields(ft, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = g.schema(f.Type)
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") && f.Type.Kind() != reflect.Pointer {
			*required = append(*required, name)
		}
	}
}

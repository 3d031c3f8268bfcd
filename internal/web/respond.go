package web

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"shuyu/internal/errs"
)

// statusOf maps each error code to its HTTP status: the one place that does.
var statusOf = map[errs.Code]int{
	errs.Invalid:         http.StatusBadRequest,
	errs.Unauthenticated: http.StatusUnauthorized,
	errs.Forbidden:       http.StatusForbidden,
	errs.NotFound:        http.StatusNotFound,
	errs.Conflict:        http.StatusConflict,
	errs.RateLimited:     http.StatusTooManyRequests,
	errs.TooLarge:        http.StatusRequestEntityTooLarge,
	errs.Unavailable:     http.StatusServiceUnavailable,
	errs.Internal:        http.StatusInternalServerError,
}

// ErrorBody is the JSON shape of every API error.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong, for programs (code) and people (message).
type ErrorDetail struct {
	Code    errs.Code `json:"code"`
	Message string    `json:"message"`
	Details any       `json:"details,omitempty"`
}

// writeJSON encodes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeError answers with err's public code and message; internal details go
// to the log only.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	code, msg, details := errs.Public(err)
	status := statusOf[code]
	if code == errs.Internal {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if n := errs.RetryAfter(err); n > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(n))
	}
	if code == errs.Unauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="shuyu"`)
	}
	writeJSON(w, status, ErrorBody{ErrorDetail{Code: code, Message: msg, Details: details}})
}

// maxJSONBody bounds every JSON request body.
const maxJSONBody = 1 << 20

// decode reads one JSON object from the body into v, strictly: unknown
// fields, trailing data, wrong types and oversized bodies are refused with a
// message that says where.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return errs.E(errs.Invalid, "Content-Type %q: send application/json", ct)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errs.E(errs.Invalid, "body: one JSON object expected, found more after it")
	}
	return nil
}

func decodeError(err error) error {
	if e, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return errs.E(errs.TooLarge, "body: larger than %d bytes", e.Limit)
	}
	if e, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return errs.E(errs.Invalid, "body: field %q: want %s, got %s", e.Field, e.Type, e.Value)
	}
	if e, ok := errors.AsType[*json.SyntaxError](err); ok {
		return errs.E(errs.Invalid, "body: malformed JSON at byte %d: %v", e.Offset, e)
	}
	if errors.Is(err, io.EOF) {
		return errs.E(errs.Invalid, "body: empty; a JSON object is expected")
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errs.E(errs.Invalid, "body: JSON ends early")
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field") {
		return errs.E(errs.Invalid, "body: %s", strings.TrimPrefix(msg, "json: "))
	}
	return errs.E(errs.Invalid, "body: %v", err)
}

// List is the JSON shape of every list: a page of items and the cursor of
// the next page, absent on the last.
type List[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

func list[T any](items []T, next string) List[T] {
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items, Next: next}
}

// queryInt reads an optional integer query parameter within [min, max].
func queryInt(r *http.Request, name string, def, min, max int64) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < min || n > max {
		return 0, errs.E(errs.Invalid, "query %s: %q is not an integer from %d to %d", name, s, min, max)
	}
	return n, nil
}

func pathInt(r *http.Request, name string) (int64, error) {
	s := r.PathValue(name)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, errs.E(errs.Invalid, "path %s: %q is not a non-negative integer", name, s)
	}
	return n, nil
}

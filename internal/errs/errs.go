// Package errs is shuyu's one error type: a code that says what kind of
// failure it is (and so which HTTP status and exit code it maps to) and a
// message meant for the person who caused it. Internal details stay in the
// wrapped error, which is logged and never shown to clients.
package errs

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies an error. The set is closed: web maps each to one status.
type Code string

const (
	Invalid         Code = "invalid"         // the request is malformed or breaks a rule
	Unauthenticated Code = "unauthenticated" // no or bad credentials
	Forbidden       Code = "forbidden"       // authenticated, but not allowed
	NotFound        Code = "not_found"
	Conflict        Code = "conflict"     // the state does not allow it (duplicate, illegal transition)
	RateLimited     Code = "rate_limited" // too many attempts; retry later
	TooLarge        Code = "too_large"    // the request body or file exceeds a limit
	Unavailable     Code = "unavailable"  // a dependency is down; retry later
	Internal        Code = "internal"
)

// Error is an error with a code and a human message.
type Error struct {
	Code    Code
	Message string
	// Details carries structured information for the client, such as the list
	// of problems found in an uploaded file. It must be safe to show.
	Details any
	// Err is the underlying cause; it is logged, never shown.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an error with a code and a formatted message.
func E(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap builds an internal error that keeps cause for the log and shows only
// message to the client.
func Wrap(cause error, format string, args ...any) *Error {
	return &Error{Code: Internal, Message: fmt.Sprintf(format, args...), Err: cause}
}

// CodeOf returns the code of the first *Error in err's chain, Internal for any
// other non-nil error, and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return Internal
}

// Public returns what may be shown to a client: the code, the message and the
// details of the first *Error in the chain. Anything else becomes a generic
// internal error so that no internal detail leaks.
func Public(err error) (Code, string, any) {
	e, ok := errors.AsType[*Error](err)
	if !ok || e.Code == Internal {
		return Internal, "internal error; the incident has been logged", nil
	}
	return e.Code, e.Message, e.Details
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return CodeOf(err) == code }

// Limited builds a RateLimited error that says how long to wait: its details
// name the rule and carry retry_after_seconds (whole seconds, rounded up, at
// least one), which the API also sends as the Retry-After header.
func Limited(rule string, wait time.Duration, format string, args ...any) *Error {
	e := E(RateLimited, format, args...)
	secs := int((wait + time.Second - 1) / time.Second)
	e.Details = map[string]any{"rule": rule, "retry_after_seconds": max(1, secs)}
	return e
}

// RetryAfter returns the seconds a RateLimited err says to wait, and 0 when
// err is no such error.
func RetryAfter(err error) int {
	e, ok := errors.AsType[*Error](err)
	if !ok || e.Code != RateLimited {
		return 0
	}
	d, _ := e.Details.(map[string]any)
	n, _ := d["retry_after_seconds"].(int)
	return n
}

// Package models holds Tongsheng's domain: the types, the rules on them, their storage and
// the error codes the rest of the program answers with. It knows nothing of HTTP.
package models

import (
	"errors"
	"fmt"
	"time"
)

// Code is a domain error code. The api package maps each one to an HTTP status in one place.
type Code string

const (
	CodeBadRequest        Code = "bad_request"
	CodeUnauthenticated   Code = "unauthenticated"
	CodeForbidden         Code = "forbidden"
	CodeConsentRequired   Code = "consent_required"
	CodeNotFound          Code = "not_found"
	CodeConflict          Code = "conflict"
	CodeInvalidTransition Code = "invalid_transition"
	CodeStageClosed       Code = "stage_closed"
	CodeTooLarge          Code = "too_large"

	// A request the app refuses for its form before reading it: a body that is not JSON, a
	// method the route (or the app) does not serve.
	CodeUnsupportedMediaType Code = "unsupported_media_type"
	CodeMethodNotAllowed     Code = "method_not_allowed"

	CodeValidationFailed  Code = "validation_failed"
	CodeModerationBlocked Code = "moderation_blocked"
	CodeTooManyRequests   Code = "too_many_requests"
	CodeLocked            Code = "locked"
	CodeUnavailable       Code = "unavailable" // the database cannot be written now (disk full, read-only, I/O)
	CodeInternal          Code = "internal"
)

// FieldError is one invalid field: a translation key and the values its message needs.
type FieldError struct {
	Key    string
	Params map[string]any
}

// Error is the error type every exported function of this package returns for a failure the
// caller should show to a user. Message keys are translation IDs in the locale catalog.
type Error struct {
	Code       Code
	Key        string // overrides the code's default message when set
	Fields     map[string]FieldError
	RetryAfter time.Duration // for CodeLocked and CodeTooManyRequests
	Reasons    []BlockReason // for CodeModerationBlocked: what to remove, by field
	Err        error         // for CodeUnavailable: what the database said, for the log
}

// BlockReason tells a child which field held what kind of text that cannot be posted.
type BlockReason struct {
	Field string
	Kind  string
	Hash  string // a keyed hash of what was found, for the log: never the text itself
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Code, e.Err)
	}
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %d invalid fields", e.Code, len(e.Fields))
	}
	return string(e.Code)
}

// Unwrap gives the database's own error behind an unavailable one.
func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the code of err, CodeInternal for errors that are not *Error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Errorf returns an *Error with code and, optionally, a message key other than the code's own.
func Errorf(code Code, key ...string) *Error {
	e := &Error{Code: code}
	if len(key) > 0 {
		e.Key = key[0]
	}
	return e
}

var (
	ErrNotFound        = Errorf(CodeNotFound)
	ErrForbidden       = Errorf(CodeForbidden)
	ErrUnauthenticated = Errorf(CodeUnauthenticated)
	ErrConsentRequired = Errorf(CodeConsentRequired)
)

// Invalid collects field errors; its Err is nil while no field has failed.
type Invalid struct {
	fields map[string]FieldError
}

// Add records a field error unless the field already has one (the first problem is the one to fix).
func (v *Invalid) Add(field, key string, params map[string]any) {
	if v.fields == nil {
		v.fields = map[string]FieldError{}
	}
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = FieldError{Key: key, Params: params}
	}
}

// Err returns a validation_failed *Error, or nil when every field passed.
func (v *Invalid) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: CodeValidationFailed, Fields: v.fields}
}

// BadField returns a bad_request error naming one field, for wrong types and unknown enum values.
func BadField(field, key string) *Error {
	return &Error{Code: CodeBadRequest, Fields: map[string]FieldError{field: {Key: key}}}
}

// wrap adds context to unexpected errors and passes domain errors through unchanged.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return fmt.Errorf("%s: %w", what, err)
}

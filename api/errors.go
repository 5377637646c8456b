package api

import (
	"errors"
	"log/slog"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

// statusOf is the one place where domain error codes become HTTP statuses.
var statusOf = map[models.Code]int{
	models.CodeBadRequest:        fiber.StatusBadRequest,
	models.CodeUnauthenticated:   fiber.StatusUnauthorized,
	models.CodeForbidden:         fiber.StatusForbidden,
	models.CodeConsentRequired:   fiber.StatusForbidden,
	models.CodeNotFound:          fiber.StatusNotFound,
	models.CodeConflict:          fiber.StatusConflict,
	models.CodeInvalidTransition: fiber.StatusConflict,
	models.CodeStageClosed:       fiber.StatusConflict,
	models.CodeTooLarge:          fiber.StatusRequestEntityTooLarge,

	models.CodeUnsupportedMediaType: fiber.StatusUnsupportedMediaType,
	models.CodeMethodNotAllowed:     fiber.StatusMethodNotAllowed,

	models.CodeValidationFailed:  fiber.StatusUnprocessableEntity,
	models.CodeModerationBlocked: fiber.StatusUnprocessableEntity,
	models.CodeTooManyRequests:   fiber.StatusTooManyRequests,
	models.CodeLocked:            fiber.StatusTooManyRequests,
	models.CodeUnavailable:       fiber.StatusServiceUnavailable,
	models.CodeInternal:          fiber.StatusInternalServerError,
}

// codeOfStatus maps Fiber's own errors (unknown route, body too large) to domain codes.
var codeOfStatus = map[int]models.Code{
	fiber.StatusNotFound:              models.CodeNotFound,
	fiber.StatusRequestEntityTooLarge: models.CodeTooLarge,
	fiber.StatusUnauthorized:          models.CodeUnauthenticated,
	fiber.StatusForbidden:             models.CodeForbidden,
	fiber.StatusTooManyRequests:       models.CodeTooManyRequests,

	fiber.StatusMethodNotAllowed:     models.CodeMethodNotAllowed,
	fiber.StatusUnsupportedMediaType: models.CodeUnsupportedMediaType,
}

type errorBody struct {
	Code    models.Code       `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	Reasons []blockReason     `json:"reasons,omitempty"`
}

// blockReason tells a child, kindly and specifically, what to remove from which field.
type blockReason struct {
	Field   string `json:"field"`
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

// handleError answers any error in the envelope of API.md, translated. Anything that is not a
// domain error is a bug: it is logged once here and answered with 500. A database that cannot
// be written answers 503 unavailable; the store logs that once, when it happens, not here on
// every request.
func (s *server) handleError(c *fiber.Ctx, err error) error {
	err = s.store.Classify(err)
	var (
		dom    *models.Error
		fe     *fiber.Error
		status int
		body   errorBody
	)
	lang := langOf(c)
	switch {
	case errors.As(err, &dom):
		status, body = s.domainError(lang, dom)
		if len(dom.Reasons) > 0 {
			kinds, hashes := make([]string, len(dom.Reasons)), make([]string, len(dom.Reasons))
			for i, r := range dom.Reasons {
				kinds[i], hashes[i] = r.Kind, r.Hash
			}
			// The text was not stored; the log says what kind of thing it held, never what.
			s.log.Info("moderation blocked", slog.String("request_id", requestID(c)), slog.String("route", c.Route().Path),
				slog.Any("kinds", kinds), slog.Any("hashes", hashes))
		}
		for _, r := range dom.Reasons {
			msg := s.catalog.Text(lang, "moderation.reason."+r.Kind, nil)
			body.Reasons = append(body.Reasons, blockReason{Field: r.Field, Kind: r.Kind, Message: msg})
			if body.Fields == nil {
				body.Fields = map[string]string{}
			}
			if _, ok := body.Fields[r.Field]; !ok {
				body.Fields[r.Field] = msg
			}
		}
		if dom.RetryAfter > 0 {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(dom.RetryAfter.Seconds())))
		}
	case errors.As(err, &fe):
		status = fe.Code
		code, ok := codeOfStatus[fe.Code]
		switch {
		case ok:
			body.Code = code
		case fe.Code >= 500:
			status, body.Code = fiber.StatusInternalServerError, models.CodeInternal
		default:
			status, body.Code = fiber.StatusBadRequest, models.CodeBadRequest
		}
		body.Message = s.catalog.Text(lang, "error."+string(body.Code), nil)
	default:
		status, body.Code = fiber.StatusInternalServerError, models.CodeInternal
		body.Message = s.catalog.Text(lang, "error.internal", nil)
	}
	if status == fiber.StatusMethodNotAllowed {
		if allow := s.routes.allowed(c.Path()); allow != "" {
			c.Set(fiber.HeaderAllow, allow)
		}
	}
	if status >= 500 && body.Code != models.CodeUnavailable {
		s.log.Error("request failed", slog.String("request_id", requestID(c)),
			slog.String("route", c.Route().Path), slog.String("error", err.Error()))
	}
	return c.Status(status).JSON(fiber.Map{"error": body})
}

// domainError is a domain error's status and envelope, translated into lang (without the
// moderation reasons, which only handleError answers).
func (s *server) domainError(lang string, dom *models.Error) (int, errorBody) {
	body := errorBody{Code: dom.Code}
	key := dom.Key
	if key == "" {
		key = "error." + string(dom.Code)
	}
	body.Message = s.catalog.Text(lang, key, nil)
	if len(dom.Fields) > 0 {
		body.Fields = make(map[string]string, len(dom.Fields))
		for f, fe := range dom.Fields {
			body.Fields[f] = s.catalog.Text(lang, fe.Key, fe.Params)
		}
	}
	return statusOf[dom.Code], body
}

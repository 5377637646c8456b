package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

// decode reads a JSON request body into v. Malformed JSON, invalid UTF-8 and trailing data are
// bad_request; a value of the wrong type names its field. checkInput has already refused bodies
// that are not JSON, too deep, or hold NUL, for every route.
func decode(c *fiber.Ctx, v any) error {
	body := c.Request().Body() // raw, never inflated: limitBody refused compressed bodies
	if !utf8.Valid(body) {
		return models.Errorf(models.CodeBadRequest, "error.bad_utf8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return models.BadField(te.Field, "field.wrong_type")
		}
		return models.Errorf(models.CodeBadRequest, "error.malformed_json")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) { // trailing data, even a stray ] or }
		return models.Errorf(models.CodeBadRequest, "error.malformed_json")
	}
	return nil
}

// page reads ?limit= and ?cursor=. A limit above the maximum is capped; one that is not a
// positive number, or a cursor that is not an ID, is bad_request.
func page(c *fiber.Ctx) (models.Page, error) {
	var p models.Page
	var err error
	if p.Limit, err = pageLimit(c); err != nil {
		return p, err
	}
	if cur := c.Query("cursor"); cur != "" {
		if !models.ValidID(cur) {
			return p, models.Errorf(models.CodeBadRequest, "error.bad_cursor")
		}
		p.Cursor = cur
	}
	return p, nil
}

// list answers a page of items in the shape every list of the API has.
func list[T any](c *fiber.Ctx, items []T, next string) error {
	if items == nil {
		items = []T{}
	}
	var cursor *string
	if next != "" {
		cursor = &next
	}
	return c.JSON(fiber.Map{"items": items, "next_cursor": cursor})
}

// pageLimit reads ?limit= (0 when absent: the default page size).
func pageLimit(c *fiber.Ctx) (int, error) {
	raw := c.Query("limit")
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, models.Errorf(models.CodeBadRequest, "error.bad_limit")
	}
	return min(n, models.MaxPageSize), nil
}

package api

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

func (s *server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz answers 503 while the database does not answer within two seconds, or cannot be
// written (disk full, read-only, I/O errors), so that a load balancer sends traffic elsewhere.
func (s *server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.store.Ready(ctx); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable"})
	}
	return c.JSON(fiber.Map{"status": "ok"})
}

// i18nCatalog serves the UI strings of one language from the same catalog as the API messages.
func (s *server) i18nCatalog(c *fiber.Ctx) error {
	msgs, ok := s.catalog.Messages(c.Params("lang"))
	if !ok {
		return models.Errorf(models.CodeNotFound, "error.unknown_language")
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.JSON(fiber.Map{"lang": c.Params("lang"), "messages": msgs})
}

// Range is an inclusive range: characters for a text, a number otherwise. Default is what the
// server fills in when the field is left out.
type Range struct {
	Min     int  `json:"min"`
	Max     int  `json:"max"`
	Default *int `json:"default,omitempty"`
}

func withDefault(r Range, d int) Range {
	r.Default = &d
	return r
}

// Meta is what a client builds its forms from: the enums and limits the server enforces, so
// that no client keeps copies of its own that drift from the rules.
type Meta struct {
	Stages               []string `json:"stages"`
	Categories           []string `json:"categories"`
	DecisionOutcomes     []string `json:"decision_outcomes"`
	SafeguardingOutcomes []string `json:"safeguarding_outcomes"`
	EvaluationCriteria   []string `json:"evaluation_criteria"`
	CommentStages        []string `json:"comment_stages"`
	BodyKinds            []string `json:"body_kinds"`
	ModerationModes      []string `json:"moderation_modes"`
	ProposalSorts        []string `json:"proposal_sorts"`
	AuditActions         []string `json:"audit_actions"`
	// Meetings, activities and the plan's targets.
	ActivityKinds []string                        `json:"activity_kinds"`
	TargetKinds   []string                        `json:"target_kinds"`
	RateTargets   []string                        `json:"rate_targets"` // fractions 0–1; the other kinds are counts
	PresetNames   []string                        `json:"preset_names"`
	TargetPresets map[string][]models.TargetValue `json:"target_presets"`
	Sexes         []string                        `json:"sexes"`
	AgeBands      []string                        `json:"age_bands"`
	SmallCount    string                          `json:"small_count"` // what a split shows for a count from 1 to 4
	Limits        map[string]Range                `json:"limits"`
}

// meta is built once from the domain's constants. The text lengths, PIN length, rating scale
// and response-days range are literals inside models' validation; TestMetaLimitsMatchRules
// proves this table and those checks agree.
var meta = func() Meta {
	return Meta{
		Stages:               models.Stages,
		Categories:           models.Categories,
		DecisionOutcomes:     []string{models.OutcomeAdopted, models.OutcomePartly, models.OutcomeNotAdopted},
		SafeguardingOutcomes: models.Outcomes,
		EvaluationCriteria:   jsonNames(models.Ratings{}),
		CommentStages:        []string{models.StageNeeds, models.StageDesign, models.StageDecision},
		BodyKinds:            []string{models.BodyCouncil, models.BodyObserverGroup},
		ModerationModes:      []string{models.ModerationPost, models.ModerationPre},
		ProposalSorts:        models.ProposalSorts,
		AuditActions:         models.AuditActions,
		ActivityKinds:        models.ActivityKinds,
		TargetKinds:          models.TargetKinds,
		RateTargets:          slices.DeleteFunc(slices.Clone(models.TargetKinds), func(k string) bool { return !models.IsRateTarget(k) }),
		PresetNames:          models.PresetNames,
		TargetPresets:        models.Presets,
		Sexes:                models.Sexes,
		AgeBands:             ageBands(),
		SmallCount:           models.SmallCount,
		Limits: map[string]Range{
			// Text lengths in characters (API.md "Settled details").
			"title":            {Min: 2, Max: 60},
			"description":      {Min: 0, Max: 2000},
			"comment":          {Min: 1, Max: 500},
			"child_summary":    {Min: 1, Max: models.MaxChildSummaryRune},
			"details":          {Min: 0, Max: 5000},
			"responsible_unit": {Min: 0, Max: 100},
			"note":             {Min: 0, Max: 500},
			"summary":          {Min: 0, Max: 500},
			"nickname":         {Min: 1, Max: 12},
			"login_name":       {Min: 2, Max: 20},
			"pin":              {Min: 4, Max: 6}, // digits
			"guardian_name":    {Min: 1, Max: 40},
			"relation":         {Min: 1, Max: 100},
			// Numbers.
			"notice_days":   withDefault(Range{Min: 1, Max: models.MaxNoticeDays}, models.DefaultNoticeDays),
			"response_days": withDefault(Range{Min: 0, Max: 365}, models.DefaultResponseDays),
			"options":       {Min: models.MinOptions, Max: models.MaxOptions},
			"rating":        {Min: 1, Max: 5},
			"child_age":     {Min: models.MinChildAge, Max: models.MaxChildAge},
			"page_size":     withDefault(Range{Min: 1, Max: models.MaxPageSize}, models.DefaultPageSize),
			"bulk_ids":      {Min: 1, Max: models.MaxBulkMoves}, // proposals in one bulk stage change
			// Meetings, activities and targets.
			"place":          {Min: 0, Max: models.MaxPlaceRune},
			"minutes":        {Min: 0, Max: models.MaxMinutesRune},
			"agenda_items":   {Min: 0, Max: models.MaxAgendaItems},
			"agenda_title":   {Min: 1, Max: 60},
			"attendance":     {Min: 0, Max: models.MaxAttendance},
			"paper_votes":    {Min: 0, Max: models.MaxPaperVotes},
			"activity_title": {Min: 2, Max: 60},
			"organiser":      {Min: 1, Max: 60},
			"participants":   {Min: 0, Max: models.MaxParticipants},
			"target_count":   {Min: 0, Max: models.MaxTargetCount},
			"plan_year":      {Min: models.MinPlanYear, Max: models.MaxPlanYear},
		},
	}
}()

// ageBands names the split's age bands.
func ageBands() []string {
	out := make([]string, len(models.AgeBands))
	for i, b := range models.AgeBands {
		out[i] = b.Name
	}
	return out
}

// jsonNames lists the JSON field names of a struct, in order: the rating criteria are the
// fields of models.Ratings.
func jsonNames(v any) []string {
	t := reflect.TypeOf(v)
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names = append(names, name)
	}
	return names
}

// metaInfo serves the enums and limits; they change only with the binary.
func (s *server) metaInfo(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.JSON(meta)
}

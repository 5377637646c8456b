package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

// Meetings of a body, the paper and show-of-hands results of a session, activities, and the
// plan's targets with the monitoring of them (API.md "Meetings, activities and the plan's targets").

type meetingRequest struct {
	HeldOn     string              `json:"held_on"`
	Place      string              `json:"place"`
	Agenda     []models.AgendaItem `json:"agenda"`
	Attendance models.Attendance   `json:"attendance"`
	Minutes    string              `json:"minutes"`
}

func (s *server) recordMeeting(c *fiber.Ctx) error {
	var req meetingRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	m, err := s.store.RecordMeeting(c.UserContext(), actor(c), c.Params("id"), models.MeetingInput(req))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(m)
}

func (s *server) listMeetings(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	items, next, err := s.store.ListMeetings(c.UserContext(), actor(c), c.Params("id"), p)
	if err != nil {
		return err
	}
	return list(c, items, next)
}

type meetingProposalRequest struct {
	ChildID     string `json:"child_id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Category    string `json:"category"`
}

// proposeInMeeting enters a proposal a child raised in a meeting, for that child.
func (s *server) proposeInMeeting(c *fiber.Ctx) error {
	var req meetingProposalRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := s.store.ProposeInMeeting(c.UserContext(), actor(c), c.Params("id"), req.ChildID,
		models.ProposalInput{Title: req.Title, Description: req.Description, Category: req.Category})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(struct {
		*models.ProposalDetail
		Reasons []reasonView `json:"reasons"`
	}{d, s.reasons(c, d.Held)})
}

type sexRequest struct {
	Sex *string `json:"sex"`
}

// setSex records or clears a member's sex for the split statistics.
func (s *server) setSex(c *fiber.Ctx) error {
	var req sexRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if req.Sex == nil {
		return models.BadField("sex", "field.required")
	}
	if err := s.store.SetSex(c.UserContext(), actor(c), c.Params("id"), *req.Sex); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"sex": *req.Sex})
}

type paperVotesRequest struct {
	MeetingID string              `json:"meeting_id"`
	Counts    []models.PaperCount `json:"counts"`
	Note      string              `json:"note"`
}

func (s *server) recordPaperVotes(c *fiber.Ctx) error {
	var req paperVotesRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	e, err := s.store.RecordPaperVotes(c.UserContext(), actor(c), c.Params("id"), models.PaperVoteInput(req))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(e)
}

type activityRequest struct {
	Kind         string              `json:"kind"`
	Title        string              `json:"title"`
	RegionID     string              `json:"region_id"`
	HeldOn       string              `json:"held_on"`
	Organiser    string              `json:"organiser"`
	Participants models.Participants `json:"participants"`
	ProposalIDs  []string            `json:"proposal_ids"`
}

func (s *server) logActivity(c *fiber.Ctx) error {
	var req activityRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	a, err := s.store.LogActivity(c.UserContext(), actor(c), models.ActivityInput(req))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(a)
}

func (s *server) listActivities(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	f := models.ActivityFilter{RegionID: c.Query("region_id"), Year: c.Query("year"), Kind: c.Query("kind")}
	items, next, err := s.store.ListActivities(c.UserContext(), actor(c), f, p)
	if err != nil {
		return err
	}
	return list(c, items, next)
}

type targetsRequest struct {
	Preset  string               `json:"preset"`
	Targets []models.TargetValue `json:"targets"`
}

func (s *server) setTargets(c *fiber.Ctx) error {
	var req targetsRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	m, err := s.store.SetTargets(c.UserContext(), actor(c), c.Params("id"), c.Params("year"), models.TargetsInput(req))
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (s *server) targets(c *fiber.Ctx) error {
	m, err := s.store.Monitor(c.UserContext(), actor(c), c.Params("id"), c.Params("year"))
	if err != nil {
		return err
	}
	return c.JSON(m)
}

// targetsCSV answers a region's year against its targets for the annual report: the targets with
// their figures, the township coverage and the split, UTF-8 with a byte-order mark, headings and
// names in the reader's language. Small counts stay "<5" as on the dashboard.
func (s *server) targetsCSV(c *fiber.Ctx) error {
	m, err := s.store.Monitor(c.UserContext(), actor(c), c.Params("id"), c.Params("year"))
	if err != nil {
		return err
	}
	lang := langOf(c)
	t := func(key string) string { return s.catalog.Text(lang, key, nil) }
	num := func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'f', -1, 64)
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	rows := [][]string{{t("plan.csv_section"), t("plan.csv_item"), t("plan.csv_target"), t("plan.csv_figure"), t("plan.csv_expected"), t("plan.csv_on_track")}}
	for _, it := range m.Items {
		track := ""
		if it.OnTrack != nil {
			track = t("ui.no")
			if *it.OnTrack {
				track = t("ui.yes")
			}
		}
		target, expected := it.Target, it.Expected
		rows = append(rows, []string{t("plan.csv_targets"), t("target_kind." + it.Kind), num(&target), num(it.Actual), num(&expected), track})
	}
	for _, tw := range m.Townships {
		rows = append(rows, []string{t("plan.coverage"), cell(tw.Name), "", strconv.Itoa(tw.Bodies), "", ""})
	}
	for _, sex := range append(slices.Clone(models.Sexes), "unspecified") {
		rows = append(rows, []string{t("plan.by_sex"), t("sex." + sex), "", fmt.Sprint(m.Split.BySex[sex]), "", ""})
	}
	for _, b := range models.AgeBands {
		rows = append(rows, []string{t("plan.by_age_band"), b.Name, "", fmt.Sprint(m.Split.ByAgeBand[b.Name]), "", ""})
	}
	if err := w.WriteAll(rows); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="tongsheng-targets-%d.csv"`, m.Year))
	return c.Send(buf.Bytes())
}

package api

import (
	"bufio"
	"context"
	"encoding/csv"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

func statsFilter(c *fiber.Ctx) models.StatsFilter {
	return models.StatsFilter{RegionID: c.Query("region_id"), From: c.Query("from"), To: c.Query("to")}
}

func (s *server) stats(c *fiber.Ctx) error {
	st, err := s.store.Statistics(c.UserContext(), actor(c), statsFilter(c))
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// exportColumns are the CSV columns, by the catalog key of their heading.
// Each enum has a code column (for a spreadsheet's formulas and filters) beside a column with
// its label in the reader's language (for a person).
var exportColumns = []string{"id", "title", "body", "category_code", "category", "stage_code", "stage", "visibility_code", "visibility",
	"created_on", "published_on", "due_on", "responded_on", "days_to_response", "overdue", "supports", "comments", "votes",
	"outcome_code", "outcome", "responsible_unit", "planned_completion", "evaluations", "evaluation_overall"}

// exportCSV answers one row per proposal, UTF-8 with a byte-order mark so that spreadsheet
// programs open it as UTF-8, headings in the reader's language.
func (s *server) exportCSV(c *fiber.Ctx) error {
	each, err := s.store.Export(c.UserContext(), actor(c), statsFilter(c))
	if err != nil {
		return err
	}
	lang := langOf(c)
	head := make([]string, len(exportColumns))
	for i, col := range exportColumns {
		head[i] = s.catalog.Text(lang, "csv."+col, nil)
	}
	yes, no := s.catalog.Text(lang, "ui.yes", nil), s.catalog.Text(lang, "ui.no", nil)
	labels := map[string]string{} // an export of 50,000 rows names a few dozen codes
	label := func(prefix, code string) string {
		if code == "" {
			return ""
		}
		l, ok := labels[prefix+code]
		if !ok {
			l = s.catalog.Text(lang, prefix+code, nil)
			labels[prefix+code] = l
		}
		return l
	}
	leave, err := s.exports.enter()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="tongsheng-proposals.csv"`)
	// Streamed as the rows are read, so memory stays flat for a city of any size. A failure
	// half-way can no longer change the status: the log says so, and the file ends short.
	// fasthttp runs the writer at once, and ends it when the client goes, so the export's
	// place is always given back.
	c.Context().SetBodyStreamWriter(func(bw *bufio.Writer) {
		defer leave()
		defer func() { // the writer runs on fasthttp's goroutine, where a panic would end the server
			if v := recover(); v != nil {
				s.log.Error("csv export panicked", slog.Any("panic", v))
			}
		}()
		ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
		defer cancel()
		bw.WriteString("\uFEFF")
		w := csv.NewWriter(bw)
		err := w.Write(head)
		if err == nil {
			err = each(ctx, func(r models.ExportRow) error {
				overdue := no
				if r.Overdue {
					overdue = yes
				}
				return w.Write([]string{r.ID, cell(s.titleOf(lang, r.Title, r.Erased)), cell(r.Body),
					r.Category, label("category.", r.Category), r.Stage, label("stage.", r.Stage), r.Visibility, label("visibility.", r.Visibility),
					r.CreatedOn, r.PublishedOn, r.DueOn, r.RespondedOn, r.DaysToResponse, overdue, strconv.Itoa(r.Supports), strconv.Itoa(r.Comments),
					strconv.Itoa(r.Votes), r.Outcome, label("outcome.", r.Outcome), cell(r.ResponsibleUnit), r.PlannedCompletion,
					strconv.Itoa(r.Evaluations), r.EvaluationOverall})
			})
		}
		w.Flush()
		if err == nil {
			err = w.Error()
		}
		if err != nil {
			s.log.Error("csv export stopped", slog.String("error", err.Error()))
		}
	})
	return nil
}

// exportTimeout bounds one CSV export, the longest any read holds the database.
const exportTimeout = 5 * time.Minute

// cell keeps a text from being read as a formula by a spreadsheet program.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

type notificationView struct {
	ID         string  `json:"id"`
	Kind       string  `json:"kind"`
	ProposalID *string `json:"proposal_id"`
	// QueueItemID is set on safeguarding alerts: the queue item to open.
	QueueItemID *string   `json:"queue_item_id,omitempty"`
	Title       string    `json:"title"`
	Message     string    `json:"message"`
	CreatedAt   time.Time `json:"created_at"`
	Read        bool      `json:"read"`
}

// notifications writes each entry in the reader's own language (chosen at first sign-in or in
// PUT /me), not the language of the request.
func (s *server) notifications(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	a := actor(c)
	rows, next, unread, err := s.store.Notifications(c.UserContext(), a, p)
	if err != nil {
		return err
	}
	lang := a.Locale
	if _, ok := s.catalog.Messages(lang); !ok {
		lang = langOf(c)
	}
	msgs, _ := s.catalog.Messages(lang)
	items := make([]notificationView, len(rows))
	for i, n := range rows {
		title := s.titleOf(lang, n.ProposalTitle, n.ProposalErased)
		data := map[string]any{"Title": title}
		if st := n.Params["stage"]; st != "" {
			data["Stage"] = s.catalog.Text(lang, "stage."+st, nil)
		}
		data["Reason"] = n.Params["reason"] // a moderator's words, as they wrote them
		if n.Kind == models.NotifySafeguarding {
			// Which body and when, never the child's words: the title may be the cry for help itself.
			title = s.catalog.Text(lang, "notification.safeguarding_title", nil)
			data["Body"] = n.Params["body"]
			if at, err := time.Parse(time.RFC3339, n.Params["at"]); err == nil {
				data["At"] = at.In(s.store.Location()).Format("2006-01-02 15:04")
			}
		}
		key := "notification." + n.Kind
		if n.Kind == models.NotifyStageChanged && a.Role == models.RoleChild {
			// A child is told what to do now, not the policy's name of the stage.
			if child := "notification.child_stage." + n.Params["stage"]; msgs[child] != "" {
				key = child
			}
		}
		items[i] = notificationView{ID: n.ID, Kind: n.Kind, ProposalID: n.ProposalID, QueueItemID: n.QueueItemID, Title: title,
			Message: s.catalog.Text(lang, key, data), CreatedAt: n.CreatedAt, Read: n.Read}
	}
	var cursor *string
	if next != "" {
		cursor = &next
	}
	return c.JSON(fiber.Map{"items": items, "next_cursor": cursor, "unread_count": unread})
}

func (s *server) markRead(c *fiber.Ctx) error {
	if err := s.store.MarkRead(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"status": "ok"})
}

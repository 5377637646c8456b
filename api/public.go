package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"time"

	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

// publicReply answers a public notice view: cacheable for a minute, with an ETag, and 304 when
// the client already has it.
func publicReply(c *fiber.Ctx, contentType string, body []byte) error {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	c.Set(fiber.HeaderVary, "Accept-Language")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, contentType)
	c.Response().SetBody(body) // a copy: body may be a pooled buffer (publicProposals)
	return nil
}

func publicJSON(c *fiber.Ctx, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return publicReply(c, fiber.MIMEApplicationJSONCharsetUTF8, body)
}

// anonymise shows a child the guardian did not allow to be named as "a participant".
func (s *server) anonymise(c *fiber.Ctx, it *models.ProposalItem) {
	if it.Author == nil {
		it.Author = &models.PublicName{Nickname: s.catalog.Text(langOf(c), "ui.anonymous_participant", nil)}
	}
}

func (s *server) publicProposals(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	f := models.PublicFilter{RegionID: c.Query("region_id"), BodyID: c.Query("body_id"), Stage: c.Query("stage"), Section: c.Query("section")}
	items, next, err := s.store.PublicProposals(c.UserContext(), f, p)
	if err != nil {
		return err
	}
	for i := range items {
		s.anonymise(c, &items[i].ProposalItem)
		s.localizeErased(c, &items[i].ProposalItem, nil)
	}
	var cursor *string
	if next != "" {
		cursor = &next
	}
	buf := listBuffers.Get().(*[]byte)
	defer listBuffers.Put(buf)
	*buf = appendPublicList((*buf)[:0], items, cursor)
	return publicReply(c, fiber.MIMEApplicationJSONCharsetUTF8, *buf)
}

func (s *server) publicProposal(c *fiber.Ctx) error {
	d, err := s.store.PublicProposal(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	s.anonymise(c, &d.ProposalItem)
	s.localizeErased(c, &d.ProposalItem, &d.Description)
	return publicJSON(c, d)
}

// feedSize is how many decisions the feed and decisions.json carry.
const feedSize = 50

func (s *server) publicDecisions(c *fiber.Ctx) error {
	items, err := s.store.PublicDecisions(c.UserContext(), c.Query("region_id"), feedSize)
	if err != nil {
		return err
	}
	for i := range items {
		items[i].Title = s.titleOf(langOf(c), items[i].Title, items[i].Erased)
		items[i].URL = s.noticeURL(c, items[i].ProposalID)
	}
	return publicJSON(c, fiber.Map{"items": items})
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Entries []atomEntry `xml:"entry"`
}

type atomEntry struct {
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary string   `xml:"summary"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

// publicFeed is the decisions as an Atom feed, for school boards and city sites to follow.
func (s *server) publicFeed(c *fiber.Ctx) error {
	items, err := s.store.PublicDecisions(c.UserContext(), c.Query("region_id"), feedSize)
	if err != nil {
		return err
	}
	lang := langOf(c)
	feed := atomFeed{Title: s.catalog.Text(lang, "feed.title", nil), ID: "urn:tongsheng:decisions", Updated: time.Unix(0, 0).UTC().Format(time.RFC3339)}
	if rid := c.Query("region_id"); rid != "" {
		feed.ID += ":" + rid
	}
	for i, d := range items {
		if i == 0 {
			feed.Updated = d.DecidedAt.UTC().Format(time.RFC3339)
		}
		feed.Entries = append(feed.Entries, atomEntry{
			Title:   s.titleOf(lang, d.Title, d.Erased),
			ID:      "urn:tongsheng:decision:" + d.ProposalID,
			Updated: d.DecidedAt.UTC().Format(time.RFC3339),
			Link:    atomLink{Rel: "alternate", Type: "text/html", Href: s.noticeURL(c, d.ProposalID)},
			Summary: s.catalog.Text(lang, "outcome."+d.Outcome, nil) + "：" + d.ChildSummary,
		})
	}
	body, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return err
	}
	return publicReply(c, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), body...))
}

// noticeURL is the address of a proposal's public page, in the reader's language: the link a
// feed, decisions.json and the printed notice's QR code give.
func (s *server) noticeURL(c *fiber.Ctx, id string) string {
	return s.pageAddress(c, "/notice/proposals/"+id, "")
}

func (s *server) publicBoard(c *fiber.Ctx) error {
	b, err := s.store.PublicBoard(c.UserContext(), c.Query("region_id"))
	if err != nil {
		return err
	}
	return publicJSON(c, b)
}

// publicQR is the address of a proposal's public page with its QR code, for the printed notice.
func (s *server) publicQR(c *fiber.Ctx) error {
	id := c.Params("id")
	if _, err := s.store.PublicProposal(c.UserContext(), id); err != nil {
		return err
	}
	u := s.noticeURL(c, id)
	rows, err := qrRows(u)
	if err != nil {
		return err
	}
	return publicJSON(c, fiber.Map{"url": u, "qr": rows})
}

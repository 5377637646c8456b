package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

// publicReply answers a public notice view: cacheable for a minute, with an ETag, and 304 when
// the client already has it.
func publicReply(c *fiber.Ctx, contentType string, body []byte) error {
	return taggedReply(c, contentType, body, etagOf(body), false)
}

func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// taggedReply is publicReply with the body's ETag already known; kept says the body is a kept
// reply, never changed, which the response may then share instead of copying.
func taggedReply(c *fiber.Ctx, contentType string, body []byte, etag string, kept bool) error {
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	c.Set(fiber.HeaderVary, "Accept-Language")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, contentType)
	if kept {
		c.Response().SetBodyRaw(body)
		return nil
	}
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
	key, kept := s.notices.key(c)
	read := time.Now() // a kept reply is as old as its reading
	if kept {
		if e, ok := s.notices.get(key, read); ok {
			return taggedReply(c, fiber.MIMEApplicationJSONCharsetUTF8, e.body, e.etag, true)
		}
	}
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
	etag := etagOf(*buf)
	if kept {
		s.notices.put(key, noticeReply{body: bytes.Clone(*buf), etag: etag, at: read})
	}
	return taggedReply(c, fiber.MIMEApplicationJSONCharsetUTF8, *buf, etag, false)
}

// noticeReplies keep the public list's replies to anonymous readers for a moment (ttl): at a
// deadline, parents open the same first page of the notice thousands of times a minute, and
// each reading would read the same rows again. A reply is what any reader could have had from
// a cache anyway (the list is public, Cache-Control allows a minute). A request that carries a
// session (or, with a replica, has just written) is answered afresh, so that whoever published
// a decision sees it at once. Kept by what the reply depends on, the language and the values
// the list reads, so that other query parameters cannot multiply the keys. Bounded in bytes;
// a bad request is never kept.
type noticeReplies struct {
	ttl   time.Duration // 0 keeps none
	mu    sync.Mutex
	m     map[string]noticeReply
	bytes int
}

type noticeReply struct {
	body []byte
	etag string
	at   time.Time
}

// DefaultNoticeCache is how long the server keeps an anonymous reply of the public list.
const DefaultNoticeCache = time.Second

// noticeRepliesMax bounds the bytes kept, keys included.
const noticeRepliesMax = 4 << 20

// key is the reply's key (the language and the address as sent) and whether it may be kept.
func (n *noticeReplies) key(c *fiber.Ctx) (string, bool) {
	if n.ttl <= 0 || c.Get(fiber.HeaderAuthorization) != "" || c.Cookies(cookieName) != "" || c.Cookies(freshCookie) != "" {
		return "", false
	}
	return strings.Join([]string{langOf(c), c.Query("region_id"), c.Query("body_id"), c.Query("stage"), c.Query("section"),
		c.Query("cursor"), c.Query("limit")}, "\x00"), true
}

// noticeReplyOverhead is what a kept reply costs beside its key and body: the map's entry,
// the ETag, the time.
const noticeReplyOverhead = 160

func (n *noticeReplies) get(key string, now time.Time) (noticeReply, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	e, ok := n.m[key]
	if !ok || now.Sub(e.at) >= n.ttl || now.Before(e.at) {
		return noticeReply{}, false
	}
	return e, true
}

func (n *noticeReplies) put(key string, e noticeReply) {
	n.mu.Lock()
	defer n.mu.Unlock()
	size := len(key) + len(e.body) + noticeReplyOverhead
	if size > noticeRepliesMax {
		return
	}
	if old, ok := n.m[key]; ok {
		n.bytes -= len(key) + len(old.body) + noticeReplyOverhead
		delete(n.m, key)
	}
	if n.m == nil || n.bytes+size > noticeRepliesMax {
		n.m, n.bytes = map[string]noticeReply{}, 0 // what is kept lives a second: start again
	}
	n.m[key] = e
	n.bytes += size
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

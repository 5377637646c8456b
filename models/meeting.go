package models

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Limits of a meeting's record (API.md "Meetings, activities and the plan's targets").
const (
	MaxAgendaItems = 20
	MaxAttendance  = 1000 // people of one kind in one meeting
	MaxMinutesRune = 5000
	MaxPlaceRune   = 60
)

// Meeting is an in-person session of a body. Attendance is counts, never names.
type Meeting struct {
	ID         string    `json:"id"`
	BodyID     string    `json:"body_id"`
	HeldOn     string    `json:"held_on"`
	Place      string    `json:"place"`
	Agenda     string    `json:"-"` // JSON list of AgendaItem
	Girls      int       `json:"-"`
	Boys       int       `json:"-"`
	Staff      int       `json:"-"`
	Guests     int       `json:"-"`
	Minutes    string    `json:"-"`
	Visibility string    `json:"-"` // published once screening passed the texts; pending when it held them
	RecordedBy string    `json:"-"`
	CreatedAt  time.Time `json:"-"`
}

// AgendaItem is one point of a meeting: a proposal of the body, or a free item.
type AgendaItem struct {
	ProposalID *string `json:"proposal_id"`
	Title      string  `json:"title"`
}

// Attendance counts who was in the room.
type Attendance struct {
	Girls  int `json:"girls"`
	Boys   int `json:"boys"`
	Staff  int `json:"staff"`
	Guests int `json:"guests"`
}

// MeetingInput is a meeting as staff record it.
type MeetingInput struct {
	HeldOn     string
	Place      string
	Agenda     []AgendaItem
	Attendance Attendance
	Minutes    string
}

// MeetingView is a meeting as a reader sees it: children get no attendance and no screening
// state (Attendance and Held are nil for them).
type MeetingView struct {
	ID         string       `json:"id"`
	BodyID     string       `json:"body_id"`
	HeldOn     string       `json:"held_on"`
	Place      string       `json:"place"`
	Agenda     []AgendaItem `json:"agenda"`
	Minutes    string       `json:"minutes"`
	Attendance *Attendance  `json:"attendance,omitempty"`
	// Held says, for staff, that screening held a text of the meeting: children do not see it.
	Held      *bool      `json:"minutes_held,omitempty"`
	CreatedAt *time.Time `json:"created_at,omitempty"`
}

// RecordMeeting records a meeting of a body: by a facilitator of the body or committee staff in
// scope. Every text children will read (place, agenda, minutes) is screened: personal
// information refuses the record (moderation_blocked); a held text keeps the meeting from the
// children. Agenda proposals must be published proposals of the body. Returns not_found (body
// out of scope), forbidden, validation_failed, moderation_blocked.
func (s *Store) RecordMeeting(ctx context.Context, a *Actor, bodyID string, in MeetingInput) (*MeetingView, error) {
	body, err := s.Body(ctx, a, bodyID)
	if err != nil {
		return nil, err
	}
	if err := a.Require(RecordMeetings); err != nil {
		return nil, err
	}
	m := &Meeting{ID: NewID(s.Now()), BodyID: body.ID, HeldOn: clean(in.HeldOn), Place: clean(in.Place), Minutes: clean(in.Minutes),
		Girls: in.Attendance.Girls, Boys: in.Attendance.Boys, Staff: in.Attendance.Staff, Guests: in.Attendance.Guests,
		RecordedBy: a.ID, CreatedAt: s.Now()}
	var v Invalid
	s.checkHeldOn(&v, m.HeldOn)
	v.length("place", m.Place, 0, MaxPlaceRune)
	v.length("minutes", m.Minutes, 0, MaxMinutesRune)
	for name, n := range map[string]int{"attendance.girls": m.Girls, "attendance.boys": m.Boys, "attendance.staff": m.Staff, "attendance.guests": m.Guests} {
		countInRange(&v, name, n, MaxAttendance)
	}
	if len(in.Agenda) > MaxAgendaItems {
		v.Add("agenda", "field.list_size", map[string]any{"Min": 0, "Max": MaxAgendaItems})
	}
	texts := []field{{"place", m.Place}, {"minutes", m.Minutes}}
	agenda := make([]AgendaItem, 0, len(in.Agenda))
	for i, item := range in.Agenda {
		name := fmt.Sprintf("agenda.%d", i)
		item.Title = clean(item.Title)
		if item.ProposalID != nil && *item.ProposalID != "" {
			// Only the reference is kept: the title is read from the proposal each time, so that
			// an erased or hidden proposal leaves nothing of its words in the meeting.
			if err := s.publishedProposalOf(ctx, body.ID, *item.ProposalID); err != nil {
				v.Add(name+".proposal_id", "field.unknown_reference", nil)
				continue
			}
			agenda = append(agenda, AgendaItem{ProposalID: item.ProposalID})
			continue
		}
		item.ProposalID = nil
		v.length(name+".title", item.Title, 1, 60)
		texts = append(texts, field{name + ".title", item.Title})
		agenda = append(agenda, item)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	sc, err := s.screen(texts...)
	if err != nil {
		return nil, err
	}
	m.Visibility = VisibilityPublished
	if sc.held {
		m.Visibility = VisibilityPending
	}
	raw, _ := json.Marshal(agenda)
	m.Agenda = string(raw)
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(m).Error; err != nil {
			return err
		}
		return s.audit(tx, a, "meeting.record", "body", body.ID, m.ID)
	})
	if err != nil {
		return nil, wrap("record meeting", err)
	}
	titles, err := s.agendaTitles(ctx, []Meeting{*m})
	if err != nil {
		return nil, err
	}
	return m.view(a, titles), nil
}

// publishedProposalOf checks that id is a published proposal of the body, or returns not_found.
func (s *Store) publishedProposalOf(ctx context.Context, bodyID, id string) error {
	if !ValidID(id) {
		return ErrNotFound
	}
	var p Proposal
	err := s.db.WithContext(ctx).Select("id").Where("id = ? AND body_id = ? AND visibility = ? AND erased = ?", id, bodyID, VisibilityPublished, false).Take(&p).Error
	return notFound(err)
}

// agendaTitles reads the titles of the proposals on the meetings' agendas that are published
// and not erased; the others are left out of every agenda.
func (s *Store) agendaTitles(ctx context.Context, meetings []Meeting) (map[string]string, error) {
	var ids []string
	for _, m := range meetings {
		var items []AgendaItem
		_ = json.Unmarshal([]byte(m.Agenda), &items)
		for _, it := range items {
			if it.ProposalID != nil {
				ids = append(ids, *it.ProposalID)
			}
		}
	}
	titles := map[string]string{}
	if len(ids) == 0 {
		return titles, nil
	}
	var rows []Proposal
	if err := s.db.WithContext(ctx).Select("id, title").Where("id IN ? AND visibility = ? AND erased = ?", ids, VisibilityPublished, false).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read agenda proposals: %w", err)
	}
	for _, p := range rows {
		titles[p.ID] = p.Title
	}
	return titles, nil
}

// checkHeldOn checks a date something happened on: a real date, not in the future.
func (s *Store) checkHeldOn(v *Invalid, day string) {
	if day == "" {
		v.Add("held_on", "field.required", nil)
		return
	}
	if !validDate(day) || day < fmt.Sprintf("%04d-01-01", MinPlanYear) { // no plan counts a meeting before then
		v.Add("held_on", "field.bad_date", nil)
		return
	}
	if day > s.Now().In(s.loc).Format(time.DateOnly) {
		v.Add("held_on", "field.date_in_future", nil)
	}
}

// countInRange checks a count of people or votes.
func countInRange(v *Invalid, name string, n, max int) {
	if n < 0 || n > max {
		v.Add(name, "field.out_of_range", map[string]any{"Min": 0, "Max": max})
	}
}

func (m *Meeting) view(a *Actor, titles map[string]string) *MeetingView {
	out := &MeetingView{ID: m.ID, BodyID: m.BodyID, HeldOn: m.HeldOn, Place: m.Place, Minutes: m.Minutes, Agenda: []AgendaItem{}}
	var items []AgendaItem
	_ = json.Unmarshal([]byte(m.Agenda), &items)
	for _, it := range items {
		if it.ProposalID != nil {
			title, ok := titles[*it.ProposalID]
			if !ok {
				continue
			}
			it.Title = title
		}
		out.Agenda = append(out.Agenda, it)
	}
	if a.IsStaff() {
		held := m.Visibility != VisibilityPublished
		created := m.CreatedAt
		out.Attendance = &Attendance{Girls: m.Girls, Boys: m.Boys, Staff: m.Staff, Guests: m.Guests}
		out.Held, out.CreatedAt = &held, &created
	}
	return out
}

// ListMeetings lists a body's meetings, the latest first: staff in scope see everything; the
// body's children see date, place, agenda and minutes of the meetings whose texts passed
// screening. Returns not_found out of scope.
func (s *Store) ListMeetings(ctx context.Context, a *Actor, bodyID string, p Page) ([]MeetingView, string, error) {
	body, err := s.Body(ctx, a, bodyID)
	if err != nil {
		return nil, "", err
	}
	q := s.db.WithContext(ctx).Model(&Meeting{}).Where("body_id = ?", body.ID)
	if !a.IsStaff() {
		q = q.Where("visibility = ?", VisibilityPublished)
	}
	rows, next, err := pageOf(q, p, "id", true, func(m Meeting) string { return m.ID })
	if err != nil {
		return nil, "", fmt.Errorf("list meetings: %w", err)
	}
	titles, err := s.agendaTitles(ctx, rows)
	if err != nil {
		return nil, "", err
	}
	out := make([]MeetingView, len(rows))
	for i := range rows {
		out[i] = *rows[i].view(a, titles)
	}
	return out, next, nil
}

// meetingOfBody returns a meeting of the body, or a validation error on field.
func (s *Store) meetingOfBody(tx *gorm.DB, bodyID, id string) error {
	var n int64
	if ValidID(id) {
		if err := tx.Model(&Meeting{}).Where("id = ? AND body_id = ?", id, bodyID).Count(&n).Error; err != nil {
			return err
		}
	}
	if n == 0 {
		var v Invalid
		v.Add("meeting_id", "field.unknown_reference", nil)
		return v.Err()
	}
	return nil
}

// ProposeInMeeting enters a proposal a child raised in a meeting, for that child: staff who may
// record the meeting type it, but it is the child's proposal under the child's own rules. The
// child must be a member of the meeting's body (validation_failed otherwise) and pass the write
// gate as if writing on a tablet: active consent and assent (consent_required); the texts are
// screened as the child's. The meeting must have recorded at least one child present (conflict).
// Returns not_found for a meeting out of scope, forbidden for children, and what CreateProposal
// returns.
func (s *Store) ProposeInMeeting(ctx context.Context, a *Actor, meetingID, childID string, in ProposalInput) (*ProposalDetail, error) {
	if !ValidID(meetingID) {
		return nil, ErrNotFound
	}
	var m Meeting
	if err := s.db.WithContext(ctx).Where("id = ?", meetingID).Take(&m).Error; err != nil {
		return nil, notFound(err)
	}
	if _, err := s.Body(ctx, a, m.BodyID); err != nil {
		return nil, err
	}
	if err := a.Require(RecordMeetings); err != nil {
		return nil, err
	}
	if m.Girls+m.Boys == 0 {
		return nil, Errorf(CodeConflict, "error.no_children_present")
	}
	var child Child
	err := s.db.WithContext(ctx).Where("id = ? AND id IN (SELECT child_id FROM memberships WHERE body_id = ?)", childID, m.BodyID).Take(&child).Error
	if !ValidID(childID) || err != nil {
		var v Invalid
		v.Add("child_id", "field.unknown_reference", nil)
		return nil, v.Err()
	}
	author, err := s.childActor(ctx, &child)
	if err != nil {
		return nil, err
	}
	in.BodyID = m.BodyID
	d, err := s.CreateProposal(ctx, author, in)
	if err != nil {
		return nil, err
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Table("proposals").Where("id = ?", d.ID).Update("meeting_id", m.ID).Error; err != nil {
			return err
		}
		return s.audit(tx, a, "proposal.enter_in_meeting", "child", child.ID, d.ID)
	})
	if err != nil {
		return nil, wrap("propose in meeting", err)
	}
	return d, nil
}

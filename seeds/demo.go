// Package seeds loads demo data drawn from the child-friendly city plans Tongsheng serves:
// 乐清市 (Zhejiang), whose action plan names 清和公园 as its pilot child-friendly park, and its
// 乐成街道 with a 儿童之家.
package seeds

import (
	"context"
	"fmt"
	"io"

	"tongsheng/models"
)

// Demo sign-ins. They are printed at first start and listed in README; a real deployment
// starts with TONGSHENG_DEMO=off and creates its own accounts with `tongsheng staff add`.
const (
	AdminUser           = "admin"
	AdminPassword       = "tongsheng-demo-admin"
	CommitteeUser       = "yueqing-committee"
	CommitteePassword   = "yueqing-demo-2026"
	FacilitatorUser     = "lecheng-facilitator"
	FacilitatorPassword = "lecheng-demo-2026"
	CouncilCode         = "QHGY26"
	ObserverCode        = "LCGC26"
)

// DemoChild is a demo child's sign-in.
type DemoChild struct {
	Nickname, LoginName, PIN string
	BirthYear, BirthMonth    int
	Sex                      string // optional, for split statistics
	Consented                bool
}

// CouncilChildren are the members of the demo council; all but the last have consent.
var CouncilChildren = []DemoChild{
	{Nickname: "小雨", LoginName: "xiaoyu", PIN: "1357", BirthYear: 2016, BirthMonth: 3, Sex: models.SexFemale, Consented: true},
	{Nickname: "乐乐", LoginName: "lele", PIN: "2468", BirthYear: 2014, BirthMonth: 9, Sex: models.SexMale, Consented: true},
	{Nickname: "朵朵", LoginName: "duoduo", PIN: "3579", BirthYear: 2017, BirthMonth: 5, Sex: models.SexFemale, Consented: true},
	{Nickname: "阿豪", LoginName: "ahao", PIN: "4680", BirthYear: 2015, BirthMonth: 11, Consented: false},
}

// ObserverChildren are the members of the demo observer group (小雨 is in both).
var ObserverChildren = []DemoChild{
	{Nickname: "星星", LoginName: "xingxing", PIN: "5791", BirthYear: 2013, BirthMonth: 6, Consented: true},
}

// Demo loads the demo city into an empty store.
func Demo(ctx context.Context, s *models.Store) error {
	sys := models.SystemActor()
	city, err := s.CreateRegion(ctx, sys, models.RegionInput{Name: "乐清市", Kind: "city"})
	if err != nil {
		return fmt.Errorf("demo city: %w", err)
	}
	// 乐成街道 has a council of its own; 城东街道 has none yet, so the plan's township coverage
	// (乐清 四.3: every township a children's participation body by 2024) shows a gap.
	townships := map[string]string{}
	for _, township := range []string{"乐成街道", "城东街道"} {
		r, err := s.CreateRegion(ctx, sys, models.RegionInput{Name: township, Kind: "township", ParentID: city.ID})
		if err != nil {
			return fmt.Errorf("demo township: %w", err)
		}
		townships[township] = r.ID
	}
	if _, err := s.CreateBody(ctx, sys, models.BodyInput{
		Name: "乐成街道儿童议事会", Kind: models.BodyCouncil, RegionID: townships["乐成街道"], Venue: "乐成街道儿童之家",
		TermLabel: "第一届 2026–2027", TermEndsOn: "2027-08-31",
	}); err != nil {
		return fmt.Errorf("demo township council: %w", err)
	}
	council, err := s.CreateBody(ctx, sys, models.BodyInput{
		Name: "乐清市儿童议事会", Kind: models.BodyCouncil, RegionID: city.ID, Venue: "乐清市青少年宫",
		TermLabel: "第二届 2026–2027", TermEndsOn: "2027-08-31",
	})
	if err != nil {
		return fmt.Errorf("demo council: %w", err)
	}
	observers, err := s.CreateBody(ctx, sys, models.BodyInput{
		Name: "乐清市儿童观察团", Kind: models.BodyObserverGroup, RegionID: city.ID, Venue: "乐成街道儿童之家",
		TermLabel: "第二届 2026–2027", TermEndsOn: "2027-08-31",
	})
	if err != nil {
		return fmt.Errorf("demo observer group: %w", err)
	}
	for id, code := range map[string]string{council.ID: CouncilCode, observers.ID: ObserverCode} {
		if err := s.SetJoinCode(ctx, sys, id, code); err != nil {
			return fmt.Errorf("demo join code: %w", err)
		}
	}
	for _, st := range []models.StaffInput{
		{Username: AdminUser, Password: AdminPassword, Role: "admin"},
		{Username: CommitteeUser, Password: CommitteePassword, Role: "committee", RegionID: city.ID},
		{Username: FacilitatorUser, Password: FacilitatorPassword, Role: "facilitator", BodyIDs: []string{council.ID, observers.ID}},
	} {
		if _, err := s.CreateStaff(ctx, sys, st); err != nil {
			return fmt.Errorf("demo staff %s: %w", st.Username, err)
		}
	}
	var xiaoyu string
	for _, group := range []struct {
		body     string
		children []DemoChild
	}{{council.ID, CouncilChildren}, {observers.ID, ObserverChildren}} {
		for _, dc := range group.children {
			id, err := addDemoChild(ctx, s, group.body, dc)
			if err != nil {
				return err
			}
			if dc.LoginName == "xiaoyu" {
				xiaoyu = id
			}
		}
	}
	if _, err := s.AddMember(ctx, sys, observers.ID, models.MemberInput{ChildID: xiaoyu}); err != nil {
		return fmt.Errorf("demo membership: %w", err)
	}
	if err := demoProposals(ctx, s, council.ID); err != nil {
		return fmt.Errorf("demo proposals: %w", err)
	}
	return demoMeetings(ctx, s, council.ID, city.ID)
}

// demoMeetings records a council meeting and a themed activity of this year, so that the
// dashboard has figures to hold against a plan's targets.
func demoMeetings(ctx context.Context, s *models.Store, councilID, cityID string) error {
	sys := models.SystemActor()
	day := s.Now().In(s.Location()).AddDate(0, 0, -7)
	if day.Year() != s.Now().In(s.Location()).Year() {
		day = s.Now().In(s.Location()) // early January: today
	}
	on := day.Format("2006-01-02")
	if _, err := s.RecordMeeting(ctx, sys, councilID, models.MeetingInput{
		HeldOn: on, Place: "乐清市青少年宫",
		Agenda:     []models.AgendaItem{{Title: "清和公园儿童友好公园的设计"}, {Title: "下学期的议事活动"}},
		Attendance: models.Attendance{Girls: 9, Boys: 8, Staff: 2, Guests: 1},
		Minutes:    "大家一起看了清和公园的两个设计方案，举手表决后把意见交给市住建局。",
	}); err != nil {
		return fmt.Errorf("demo meeting: %w", err)
	}
	if _, err := s.LogActivity(ctx, sys, models.ActivityInput{
		Kind: models.ActivityThemed, Title: "小小设计师走进清和公园", RegionID: cityID, HeldOn: on, Organiser: "乐清市妇儿工委办",
		Participants: models.Participants{Girls: 14, Boys: 12, Staff: 3},
	}); err != nil {
		return fmt.Errorf("demo activity: %w", err)
	}
	return nil
}

// addDemoChild adds a child, and for a consented one records a paper consent and the child's
// own assent, as a facilitator would after the first sign-in.
func addDemoChild(ctx context.Context, s *models.Store, bodyID string, dc DemoChild) (string, error) {
	sys := models.SystemActor()
	m, err := s.AddMember(ctx, sys, bodyID, models.MemberInput{
		Nickname: dc.Nickname, LoginName: dc.LoginName, PIN: dc.PIN, BirthYear: dc.BirthYear, BirthMonth: dc.BirthMonth, Sex: dc.Sex,
		Guardian: models.GuardianInput{Relation: "母亲"},
	})
	if err != nil {
		return "", fmt.Errorf("demo child %s: %w", dc.LoginName, err)
	}
	if !dc.Consented {
		return m.Child.ID, nil
	}
	if err := s.RecordPaperConsent(ctx, sys, m.Child.ID, models.PaperConsent{
		GuardianName: "家长", Relation: "母亲", ShowPublicly: true, Reference: "DEMO-" + dc.LoginName,
	}); err != nil {
		return "", fmt.Errorf("demo consent %s: %w", dc.LoginName, err)
	}
	child := &models.Actor{ID: m.Child.ID, Role: models.RoleChild, ConsentStatus: models.ConsentActive}
	if err := s.SetAssent(ctx, child, true); err != nil {
		return "", fmt.Errorf("demo assent %s: %w", dc.LoginName, err)
	}
	return m.Child.ID, nil
}

// PrintSignIns writes the demo sign-ins for the person who started the server.
func PrintSignIns(w io.Writer) {
	fmt.Fprintf(w, `
Demo data loaded (乐清市). Sign in with:
  admin        %s / %s
  committee    %s / %s   (乐清市 and its sub-regions)
  facilitator  %s / %s   (乐清市儿童议事会, 乐清市儿童观察团)
  children     join code %s (乐清市儿童议事会), login name / PIN:
`, AdminUser, AdminPassword, CommitteeUser, CommitteePassword, FacilitatorUser, FacilitatorPassword, CouncilCode)
	for _, c := range CouncilChildren {
		note := "consent given"
		if !c.Consented {
			note = "waiting for a guardian's consent: can read, cannot write"
		}
		fmt.Fprintf(w, "               %-9s %s   %s (%s)\n", c.LoginName, c.PIN, c.Nickname, note)
	}
	fmt.Fprintf(w, "               join code %s (乐清市儿童观察团): xingxing / %s, xiaoyu / %s\n\n",
		ObserverCode, ObserverChildren[0].PIN, CouncilChildren[0].PIN)
}

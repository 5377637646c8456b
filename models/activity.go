package models

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// Activity kinds, as the plans count them: themed participation activities (主题活动), trainings
// for council members and staff (专题培训) and studies of children's needs (调研).
const (
	ActivityThemed   = "activity"
	ActivityTraining = "training"
	ActivityStudy    = "study"
)

// ActivityKinds lists the kinds in the order forms offer them.
var ActivityKinds = []string{ActivityThemed, ActivityTraining, ActivityStudy}

// Limits of an activity's record.
const (
	MaxParticipants      = 100000
	MaxActivityProposals = 20
)

// Activity is a themed activity, training or study held in a region; participants are counts.
type Activity struct {
	ID         string    `json:"id"`
	Kind       string    `json:"kind"`
	Title      string    `json:"title"`
	RegionID   string    `json:"region_id"`
	HeldOn     string    `json:"held_on"`
	Organiser  string    `json:"organiser"`
	Girls      int       `json:"-"`
	Boys       int       `json:"-"`
	Staff      int       `json:"-"`
	RecordedBy string    `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
}

// ActivityProposal links an activity to a proposal it produced.
type ActivityProposal struct {
	ActivityID string
	ProposalID string
}

// Participants counts who took part.
type Participants struct {
	Girls int `json:"girls"`
	Boys  int `json:"boys"`
	Staff int `json:"staff"`
}

// ActivityInput is an activity as staff log it.
type ActivityInput struct {
	Kind, Title, RegionID, HeldOn, Organiser string
	Participants                             Participants
	ProposalIDs                              []string
}

// ActivityView is an activity with its participants and linked proposals.
type ActivityView struct {
	Activity
	RegionName   string       `json:"region_name"`
	Participants Participants `json:"participants"`
	ProposalIDs  []string     `json:"proposal_ids"`
}

// ActivityFilter narrows a list of activities.
type ActivityFilter struct {
	RegionID, Year, Kind string
}

// activityRegions limits a query on activities to the actor's scope: admin all, committee the
// subtree, a facilitator the regions of their own bodies.
func activityRegions(db *gorm.DB, q *gorm.DB, a *Actor) *gorm.DB {
	if q, ok := scopeAboveBodies(q, a, "activities.region_id IN (SELECT id FROM regions WHERE path LIKE ?)"); ok {
		return q
	}
	return q.Where("activities.region_id IN (?)", db.Table("bodies").Select("region_id").Where("id IN ?", nonEmpty(a.BodyIDs)))
}

// activityRegion returns a region the actor may log activities in: for a facilitator the region
// of one of their bodies. Returns not_found otherwise.
func (s *Store) activityRegion(ctx context.Context, a *Actor, id string) (*Region, error) {
	if a.Role != RoleFacilitator {
		return s.Region(ctx, a, id)
	}
	if !ValidID(id) {
		return nil, ErrNotFound
	}
	var r Region
	err := s.db.WithContext(ctx).Where("id = ? AND id IN (SELECT region_id FROM bodies WHERE id IN ?)", id, nonEmpty(a.BodyIDs)).Take(&r).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &r, nil
}

// LogActivity records an activity, training or study: committee staff in their subtree, a
// facilitator in the regions of their own bodies. Title and organiser are screened like every
// text (personal information refuses them). Linked proposals must be proposals the actor can see.
// Returns forbidden, not_found (region out of scope), bad_request (kind), validation_failed,
// moderation_blocked.
func (s *Store) LogActivity(ctx context.Context, a *Actor, in ActivityInput) (*ActivityView, error) {
	if err := a.Require(RecordMeetings); err != nil {
		return nil, err
	}
	if !slices.Contains(ActivityKinds, in.Kind) {
		if in.Kind == "" {
			var v Invalid
			v.Add("kind", "field.required", nil)
			return nil, v.Err()
		}
		return nil, BadField("kind", "field.unknown_value")
	}
	region, err := s.activityRegion(ctx, a, in.RegionID)
	if err != nil {
		return nil, err
	}
	act := Activity{ID: NewID(s.Now()), Kind: in.Kind, Title: clean(in.Title), RegionID: region.ID, HeldOn: clean(in.HeldOn),
		Organiser: clean(in.Organiser), Girls: in.Participants.Girls, Boys: in.Participants.Boys, Staff: in.Participants.Staff,
		RecordedBy: a.ID, CreatedAt: s.Now()}
	var v Invalid
	v.length("title", act.Title, 2, 60)
	v.length("organiser", act.Organiser, 1, 60)
	s.checkHeldOn(&v, act.HeldOn)
	for name, n := range map[string]int{"participants.girls": act.Girls, "participants.boys": act.Boys, "participants.staff": act.Staff} {
		countInRange(&v, name, n, MaxParticipants)
	}
	if len(in.ProposalIDs) > MaxActivityProposals {
		v.Add("proposal_ids", "field.list_size", map[string]any{"Min": 0, "Max": MaxActivityProposals})
	}
	var ids []string
	for i, pid := range in.ProposalIDs {
		if slices.Contains(ids, pid) {
			continue
		}
		if _, err := s.proposal(ctx, a, pid); err != nil {
			v.Add("proposal_ids."+strconv.Itoa(i), "field.unknown_reference", nil)
			continue
		}
		ids = append(ids, pid)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if _, err := s.screen(field{"title", act.Title}, field{"organiser", act.Organiser}); err != nil {
		return nil, err
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&act).Error; err != nil {
			return err
		}
		for _, pid := range ids {
			if err := tx.Create(&ActivityProposal{ActivityID: act.ID, ProposalID: pid}).Error; err != nil {
				return err
			}
		}
		return s.audit(tx, a, "activity.log", "region", region.ID, act.ID)
	})
	if err != nil {
		return nil, wrap("log activity", err)
	}
	if ids == nil {
		ids = []string{}
	}
	return &ActivityView{Activity: act, RegionName: region.Name, ProposalIDs: ids,
		Participants: Participants{Girls: act.Girls, Boys: act.Boys, Staff: act.Staff}}, nil
}

// ListActivities lists the activities in scope, the latest held first, filtered by a region's
// subtree, a year and a kind. Returns forbidden for children, not_found for a region out of
// scope, bad_request for an unknown kind or a malformed year.
func (s *Store) ListActivities(ctx context.Context, a *Actor, f ActivityFilter, p Page) ([]ActivityView, string, error) {
	if err := a.Require(RecordMeetings); err != nil {
		return nil, "", err
	}
	db := s.db.WithContext(ctx)
	q := activityRegions(db, db.Model(&Activity{}), a)
	if f.Kind != "" {
		if !slices.Contains(ActivityKinds, f.Kind) {
			return nil, "", BadField("kind", "field.unknown_value")
		}
		q = q.Where("activities.kind = ?", f.Kind)
	}
	if f.Year != "" {
		y, err := ParseYear(f.Year)
		if err != nil {
			return nil, "", err
		}
		q = q.Where("activities.held_on >= ? AND activities.held_on < ?", fmt.Sprintf("%04d-01-01", y), fmt.Sprintf("%04d-01-01", y+1))
	}
	if f.RegionID != "" {
		path, err := s.scopedRegionPath(ctx, a, f.RegionID)
		if err != nil {
			return nil, "", err
		}
		q = q.Where("activities.region_id IN (SELECT id FROM regions WHERE path LIKE ?)", path+"%")
	}
	rows, next, err := pageOf(q, p, "activities.id", true, func(r Activity) string { return r.ID })
	if err != nil {
		return nil, "", fmt.Errorf("list activities: %w", err)
	}
	// The page's region names and proposal links, in one query each.
	ids, regionIDs := make([]string, len(rows)), make([]string, len(rows))
	for i, r := range rows {
		ids[i], regionIDs[i] = r.ID, r.RegionID
	}
	var regions []Region
	if err := db.Select("id, name").Where("id IN ?", nonEmpty(regionIDs)).Find(&regions).Error; err != nil {
		return nil, "", fmt.Errorf("read regions: %w", err)
	}
	names := map[string]string{}
	for _, r := range regions {
		names[r.ID] = r.Name
	}
	var links []ActivityProposal
	if err := db.Where("activity_id IN ?", nonEmpty(ids)).Order("proposal_id").Find(&links).Error; err != nil {
		return nil, "", fmt.Errorf("read activity proposals: %w", err)
	}
	linked := map[string][]string{}
	for _, l := range links {
		linked[l.ActivityID] = append(linked[l.ActivityID], l.ProposalID)
	}
	out := make([]ActivityView, len(rows))
	for i, r := range rows {
		out[i] = ActivityView{Activity: r, RegionName: names[r.RegionID], ProposalIDs: linked[r.ID],
			Participants: Participants{Girls: r.Girls, Boys: r.Boys, Staff: r.Staff}}
		if out[i].ProposalIDs == nil {
			out[i].ProposalIDs = []string{}
		}
	}
	return out, next, nil
}

// scopedRegionPath returns the path of a region the actor may filter by: in scope for admin and
// committee, a region of their own bodies for a facilitator. Returns not_found otherwise.
func (s *Store) scopedRegionPath(ctx context.Context, a *Actor, id string) (string, error) {
	r, err := s.activityRegion(ctx, a, id)
	if err != nil {
		return "", err
	}
	return r.Path, nil
}

// Years a plan's figures may be asked for.
const (
	MinPlanYear = 2000
	MaxPlanYear = 2100
)

// ParseYear reads a four-digit year in the plan range, or bad_request.
func ParseYear(s string) (int, error) {
	y, err := strconv.Atoi(s)
	if err != nil || len(s) != 4 || y < MinPlanYear || y > MaxPlanYear {
		return 0, BadField("year", "field.bad_year")
	}
	return y, nil
}

package models

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"gorm.io/gorm"
)

// Target kinds: what a plan counts, per region and year (API.md "Meetings, activities and the
// plan's targets"). Rates are fractions 0–1; the others are counts in the year.
const (
	TargetBodyCoverage      = "body_coverage"       // share of township-level regions with at least one body
	TargetNewObserverGroups = "new_observer_groups" // observer groups set up in the year
	TargetActivities        = "activities"          // themed participation activities held
	TargetTrainings         = "trainings"           // participation trainings held
	TargetStudies           = "studies"             // studies of children's needs
	TargetOnTimeRate        = "on_time_rate"        // proposals due in the year answered by their deadline
	TargetAdoptionRate      = "adoption_rate"       // (adopted + partly adopted) ÷ decided, decisions of the year
)

// TargetKinds lists the kinds in the order reports show them.
var TargetKinds = []string{TargetBodyCoverage, TargetNewObserverGroups, TargetActivities, TargetTrainings,
	TargetStudies, TargetOnTimeRate, TargetAdoptionRate}

// MaxTargetCount bounds a count target.
const MaxTargetCount = 1000

// IsRateTarget reports whether a kind is a fraction 0–1 rather than a count.
func IsRateTarget(kind string) bool {
	return kind == TargetBodyCoverage || kind == TargetOnTimeRate || kind == TargetAdoptionRate
}

// activityTarget maps the count kinds kept in activities to their activity kind.
var activityTarget = map[string]string{TargetActivities: ActivityThemed, TargetTrainings: ActivityTraining, TargetStudies: ActivityStudy}

// TargetValue is one target as set.
type TargetValue struct {
	Kind  string  `json:"kind"`
	Value float64 `json:"value"`
}

// Presets are the yearly targets the seed plans state, each taken from the plan's own words
// (quoted as the plans write them, without the line-break spaces of the documents' text copies);
// a kind a plan gives no yearly figure for is left out rather than guessed.
var Presets = map[string][]TargetValue{
	// 《乐清市儿童友好城市建设三年行动方案(2022-2024年)》, 四.(一).3 推动儿童深度参与城市生活:
	// "培育各级各类儿童参与组织,到2024年力争实现乡镇(街道)儿童参与组织全覆盖。"
	// "针对儿童参与组织成员和工作人员,开展儿童参与专题培训,确保每年组织至少1次儿童参与专题培训。"
	// "策研系列儿童参与主题活动,每年至少3场儿童参与主题活动。"
	// 四.(一).1 推动儿童优先融入政策创新: "开展儿童发展现状和儿童需求情况调研,……每年至少开展1次专题研究"
	"yueqing": {
		{TargetBodyCoverage, 1},
		{TargetActivities, 3},
		{TargetTrainings, 1},
		{TargetStudies, 1},
	},
	// 《秀洲区建设儿童友好城市三年行动方案(2023-2025年)》, 2.(2) 培育各级各类儿童观察团组织:
	// "推动各级儿童观察团建设工作,每年发展儿童观察团不少于2个。"
	// 2.(3) 开展系列儿童参与主题活动: "研发系列儿童参与主题活动,确保每年开展2个系列的儿童参与主题活动。"
	// Its trainings (2.(4)) are "到2025年,累计组织儿童参与专题培训不少于2次": a total over the
	// plan, not a yearly figure, so the preset sets none.
	"xiuzhou": {
		{TargetNewObserverGroups, 2},
		{TargetActivities, 2},
	},
	// 《常州市儿童友好城市建设实施方案(2023-2025年)》, 3. 推动儿童积极参与城市生活:
	// "畅通儿童表达渠道,成立各级儿童议事会和儿童观察员队伍" — a body at every level, so every
	// township has one. Its other asks ("对涉及儿童的重大事项,吸收儿童代表参加,听取儿童意见。";
	// 30. "完善儿童分性别统计指标") carry no yearly number: the dashboard's split by sex serves the second.
	"changzhou": {
		{TargetBodyCoverage, 1},
	},
}

// PresetNames lists the presets in the order forms offer them.
var PresetNames = []string{"yueqing", "xiuzhou", "changzhou"}

// Target is a stored target.
type Target struct {
	RegionID  string
	Year      int
	Kind      string
	Value     float64
	SetBy     string
	UpdatedAt time.Time
}

// TargetsInput sets a region's targets for a year: a preset fills them, Targets (when given)
// set or override kinds one by one.
type TargetsInput struct {
	Preset  string
	Targets []TargetValue
}

// SetTargets replaces a region's targets for a year: committee staff of the region or above,
// admin. Returns forbidden for other roles, not_found for a region out of scope, bad_request
// for an unknown kind or preset or a malformed year, validation_failed for values out of range.
func (s *Store) SetTargets(ctx context.Context, a *Actor, regionID, year string, in TargetsInput) (*Monitoring, error) {
	region, y, err := s.targetRegion(ctx, a, regionID, year)
	if err != nil {
		return nil, err
	}
	set := map[string]float64{}
	if in.Preset != "" {
		preset, ok := Presets[in.Preset]
		if !ok {
			return nil, BadField("preset", "field.unknown_value")
		}
		for _, t := range preset {
			set[t.Kind] = t.Value
		}
	}
	var v Invalid
	seen := map[string]bool{}
	for i, t := range in.Targets {
		name := fmt.Sprintf("targets.%d", i)
		if !slices.Contains(TargetKinds, t.Kind) {
			return nil, BadField(name+".kind", "field.unknown_value")
		}
		if seen[t.Kind] {
			v.Add(name+".kind", "field.duplicate", nil)
		}
		seen[t.Kind] = true
		switch {
		case IsRateTarget(t.Kind) && (t.Value < 0 || t.Value > 1 || math.IsNaN(t.Value)):
			v.Add(name+".value", "field.out_of_range", map[string]any{"Min": 0, "Max": 1})
		case !IsRateTarget(t.Kind) && (t.Value < 0 || t.Value > MaxTargetCount || t.Value != math.Trunc(t.Value)):
			v.Add(name+".value", "field.whole_number", map[string]any{"Min": 0, "Max": MaxTargetCount})
		}
		set[t.Kind] = t.Value
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.Now()
	err = s.tx(ctx, func(tx *gorm.DB) error {
		// The region's row is locked first, so that two replacements at once run one after the
		// other instead of both inserting the same targets.
		if err := tx.Exec("UPDATE regions SET name = name WHERE id = ?", region.ID).Error; err != nil {
			return err
		}
		if err := tx.Where("region_id = ? AND year = ?", region.ID, y).Delete(&Target{}).Error; err != nil {
			return err
		}
		for _, kind := range TargetKinds {
			if value, ok := set[kind]; ok {
				if err := tx.Create(&Target{RegionID: region.ID, Year: y, Kind: kind, Value: value, SetBy: a.ID, UpdatedAt: now}).Error; err != nil {
					return err
				}
			}
		}
		return s.audit(tx, a, "targets.set", "region", region.ID, fmt.Sprint(y))
	})
	if err != nil {
		return nil, wrap("set targets", err)
	}
	return s.monitor(ctx, region, y)
}

// Monitoring is a region's year against its targets: each target with the figure so far, the
// township coverage, and the children taking part split by sex and age band.
type Monitoring struct {
	RegionID   string         `json:"region_id"`
	RegionName string         `json:"region_name"`
	Year       int            `json:"year"`
	Items      []TargetStatus `json:"items"`
	// Figures are this year's figures of every kind, targets or not; a rate with nothing to
	// measure yet is null.
	Figures   map[string]*float64 `json:"figures"`
	Uncovered []NamedRegion       `json:"uncovered"`
	Townships []TownshipCoverage  `json:"townships"`
	Meetings  MeetingTotals       `json:"meetings"`
	Split     Split               `json:"split"`
}

// TargetStatus is one target against the figure so far. Expected is what a count target asks
// by today (its share of the year elapsed, rounded to a whole number); a rate must be met as it stands.
// OnTrack is null while a rate has nothing to measure.
type TargetStatus struct {
	Kind       string        `json:"kind"`
	Target     float64       `json:"target"`
	Actual     *float64      `json:"actual"`
	Expected   float64       `json:"expected"`
	OnTrack    *bool         `json:"on_track"`
	HeldBackBy []NamedRegion `json:"held_back_by"`
}

// NamedRegion names a region in the monitoring of a plan.
type NamedRegion struct {
	RegionID string `json:"region_id"`
	Name     string `json:"name"`
}

// TownshipCoverage is one township-level region and how many bodies it has.
type TownshipCoverage struct {
	RegionID string `json:"region_id"`
	Name     string `json:"name"`
	Bodies   int    `json:"bodies"`
}

// MeetingTotals sums the year's meetings in the subtree; girls and boys follow the split's rule.
type MeetingTotals struct {
	Count int `json:"count"`
	Girls any `json:"girls"`
	Boys  any `json:"boys"`
}

// Split counts the children taking part (members with active consent of the subtree's bodies),
// by sex and by age band in the year. Every count from 1 to 4 is the string "<5", so that no
// child can be singled out.
type Split struct {
	BySex     map[string]any `json:"by_sex"`
	ByAgeBand map[string]any `json:"by_age_band"`
}

// AgeBands are the split's bands, youngest first; Sexes the values a member's sex may take.
var (
	AgeBands = []struct {
		Name     string
		Min, Max int
	}{{"6-8", 6, 8}, {"9-11", 9, 11}, {"12-14", 12, 14}, {"15-17", 15, 17}}
	Sexes = []string{SexFemale, SexMale}
)

// A member's optional sex, for split statistics only.
const (
	SexFemale = "female"
	SexMale   = "male"
)

// SetSex records or clears (empty) a member's sex, for split statistics only: staff who manage
// the child's members. Returns not_found out of scope (and for children), forbidden,
// bad_request for a value other than female, male or empty.
func (s *Store) SetSex(ctx context.Context, a *Actor, childID, sex string) error {
	c, err := s.managedChild(ctx, a, childID)
	if err != nil {
		return err
	}
	if sex != "" && !slices.Contains(Sexes, sex) {
		return BadField("sex", "field.unknown_value")
	}
	return wrap("set sex", s.tx(ctx, func(tx *gorm.DB) error {
		// Only while the child takes part, checked by the update itself, so that a withdrawal
		// (which clears the sex) cannot be overtaken by a change read before it.
		r := tx.Model(&Child{}).Where("id = ? AND consent_status <> ?", c.ID, ConsentWithdrawn).Update("sex", sex)
		if r.Error != nil {
			return r.Error
		}
		if r.RowsAffected == 0 {
			return Errorf(CodeConflict, "error.child_withdrawn")
		}
		return s.audit(tx, a, "child.sex", "child", c.ID, "")
	}))
}

// SmallCount is what a count from 1 to 4 reads as in a split.
const SmallCount = "<5"

// suppress hides a small count.
func suppress(n int) any {
	if n >= 1 && n < 5 {
		return SmallCount
	}
	return n
}

// Monitor returns a region's targets and figures for a year: committee staff of the region or
// above, admin. Returns forbidden for other roles, not_found out of scope, bad_request for a
// malformed year.
func (s *Store) Monitor(ctx context.Context, a *Actor, regionID, year string) (*Monitoring, error) {
	region, y, err := s.targetRegion(ctx, a, regionID, year)
	if err != nil {
		return nil, err
	}
	return s.monitor(ctx, region, y)
}

// targetRegion checks what every target route checks, in order: the role (forbidden), the
// region in scope (not_found), the year (bad_request).
func (s *Store) targetRegion(ctx context.Context, a *Actor, regionID, year string) (*Region, int, error) {
	if err := a.Require(ManageTargets); err != nil {
		return nil, 0, err
	}
	region, err := s.Region(ctx, a, regionID)
	if err != nil {
		return nil, 0, err
	}
	y, err := ParseYear(year)
	if err != nil {
		return nil, 0, err
	}
	return region, y, nil
}

// yearSpan is the year's first instant and the next year's, local time, in UTC.
func (s *Store) yearSpan(y int) (time.Time, time.Time) {
	return time.Date(y, 1, 1, 0, 0, 0, 0, s.loc).UTC(), time.Date(y+1, 1, 1, 0, 0, 0, 0, s.loc).UTC()
}

// elapsed is the share of the year gone by now: 0 before it, 1 after it.
func (s *Store) elapsed(y int) float64 {
	from, to := s.yearSpan(y)
	now := s.Now()
	switch {
	case !now.After(from):
		return 0
	case !now.Before(to):
		return 1
	}
	return now.Sub(from).Seconds() / to.Sub(from).Seconds()
}

func (s *Store) monitor(ctx context.Context, region *Region, y int) (*Monitoring, error) {
	db := s.db.WithContext(ctx)
	m := &Monitoring{RegionID: region.ID, RegionName: region.Name, Year: y, Items: []TargetStatus{}, Uncovered: []NamedRegion{}}
	var targets []Target
	if err := db.Where("region_id = ? AND year = ?", region.ID, y).Find(&targets).Error; err != nil {
		return nil, fmt.Errorf("read targets: %w", err)
	}
	figures, townships, err := s.figures(ctx, region.Path, y)
	if err != nil {
		return nil, err
	}
	m.Figures, m.Townships = figures, townships
	for _, t := range townships {
		if t.Bodies == 0 {
			m.Uncovered = append(m.Uncovered, NamedRegion{RegionID: t.RegionID, Name: t.Name})
		}
	}
	var subs []Region
	slices.SortFunc(targets, func(a, b Target) int { return slices.Index(TargetKinds, a.Kind) - slices.Index(TargetKinds, b.Kind) })
	for _, t := range targets {
		st := TargetStatus{Kind: t.Kind, Target: t.Value, Actual: figures[t.Kind], HeldBackBy: []NamedRegion{}}
		st.Expected = t.Value
		if !IsRateTarget(t.Kind) {
			st.Expected = math.Round(t.Value * s.elapsed(y))
		}
		if st.Actual != nil {
			ok := *st.Actual >= st.Expected
			st.OnTrack = &ok
		}
		if st.OnTrack != nil && !*st.OnTrack {
			if subs == nil {
				if err := db.Where("parent_id = ?", region.ID).Order("name").Find(&subs).Error; err != nil {
					return nil, fmt.Errorf("read sub-regions: %w", err)
				}
			}
			if st.HeldBackBy, err = s.heldBack(ctx, subs, y, st); err != nil {
				return nil, err
			}
		}
		m.Items = append(m.Items, st)
	}
	if m.Meetings, err = s.meetingTotals(ctx, region.Path, y); err != nil {
		return nil, err
	}
	if m.Split, err = s.split(ctx, region.Path, y); err != nil {
		return nil, err
	}
	return m, nil
}

// heldBack lists the direct sub-regions that hold a target back: for a rate, those whose own
// figure is below it; for a count, those where nothing of the kind happened this year.
func (s *Store) heldBack(ctx context.Context, subs []Region, y int, st TargetStatus) ([]NamedRegion, error) {
	out := []NamedRegion{}
	for _, sub := range subs {
		f, _, err := s.figures(ctx, sub.Path, y)
		if err != nil {
			return nil, err
		}
		v := f[st.Kind]
		if IsRateTarget(st.Kind) && v != nil && *v < st.Target || !IsRateTarget(st.Kind) && (v == nil || *v == 0) {
			out = append(out, NamedRegion{RegionID: sub.ID, Name: sub.Name})
		}
	}
	return out, nil
}

// inSubtree is the condition on a region ID column for a subtree's path.
const inSubtree = " IN (SELECT id FROM regions WHERE path LIKE ?)"

// figures computes every kind's figure over the subtree at path for year y, and the township
// coverage table. Bodies and observer groups count once set up by the year's end.
func (s *Store) figures(ctx context.Context, path string, y int) (map[string]*float64, []TownshipCoverage, error) {
	db := s.db.WithContext(ctx)
	from, to := s.yearSpan(y)
	out := map[string]*float64{}
	num := func(f float64) *float64 { return &f }

	var towns []TownshipCoverage
	if err := db.Raw(`SELECT regions.id AS region_id, regions.name AS name,
		(SELECT COUNT(*) FROM bodies JOIN regions sub ON sub.id = bodies.region_id
			WHERE sub.path LIKE regions.path || '%' AND bodies.created_at < ?) AS bodies
		FROM regions WHERE regions.kind = 'township' AND regions.path LIKE ? ORDER BY regions.name, regions.id`, to, path+"%").
		Scan(&towns).Error; err != nil {
		return nil, nil, fmt.Errorf("township coverage: %w", err)
	}
	if towns == nil {
		towns = []TownshipCoverage{}
	}
	if len(towns) > 0 {
		covered := 0
		for _, t := range towns {
			if t.Bodies > 0 {
				covered++
			}
		}
		out[TargetBodyCoverage] = num(round2(float64(covered) / float64(len(towns))))
	}

	var n int64
	if err := db.Table("bodies").Where("kind = ? AND created_at >= ? AND created_at < ? AND region_id"+inSubtree, BodyObserverGroup, from, to, path+"%").
		Count(&n).Error; err != nil {
		return nil, nil, fmt.Errorf("count observer groups: %w", err)
	}
	out[TargetNewObserverGroups] = num(float64(n))

	for target, kind := range activityTarget {
		if err := db.Table("activities").Where("kind = ? AND held_on >= ? AND held_on < ? AND region_id"+inSubtree,
			kind, fmt.Sprintf("%04d-01-01", y), fmt.Sprintf("%04d-01-01", y+1), path+"%").Count(&n).Error; err != nil {
			return nil, nil, fmt.Errorf("count activities: %w", err)
		}
		out[target] = num(float64(n))
	}

	// Answered on time: of the published proposals due in the year whose deadline has passed or
	// which were answered, those answered by the deadline.
	var due struct{ Due, OnTime int }
	if err := db.Table("proposals").
		Select("COUNT(*) AS due, COALESCE(SUM(CASE WHEN first_response_at IS NOT NULL AND first_response_at <= response_due_at THEN 1 ELSE 0 END), 0) AS on_time").
		Where("visibility = ? AND response_due_at >= ? AND response_due_at < ? AND (response_due_at <= ? OR first_response_at IS NOT NULL)",
			VisibilityPublished, from, to, s.Now()).
		Where("body_id IN (SELECT bodies.id FROM bodies JOIN regions ON regions.id = bodies.region_id WHERE regions.path LIKE ?)", path+"%").
		Scan(&due).Error; err != nil {
		return nil, nil, fmt.Errorf("count answers on time: %w", err)
	}
	if due.Due > 0 {
		out[TargetOnTimeRate] = num(round2(float64(due.OnTime) / float64(due.Due)))
	}

	var dec struct{ Decided, Adopted int }
	if err := db.Table("decisions").
		Select("COUNT(*) AS decided, COALESCE(SUM(CASE WHEN outcome <> ? THEN 1 ELSE 0 END), 0) AS adopted", OutcomeNotAdopted).
		Where("decided_at >= ? AND decided_at < ?", from, to).
		Where("proposal_id IN (SELECT proposals.id FROM proposals JOIN bodies ON bodies.id = proposals.body_id JOIN regions ON regions.id = bodies.region_id WHERE regions.path LIKE ?)", path+"%").
		Scan(&dec).Error; err != nil {
		return nil, nil, fmt.Errorf("count decisions: %w", err)
	}
	if dec.Decided > 0 {
		out[TargetAdoptionRate] = num(round2(float64(dec.Adopted) / float64(dec.Decided)))
	}
	for _, k := range TargetKinds {
		if _, ok := out[k]; !ok {
			out[k] = nil
		}
	}
	return out, towns, nil
}

// meetingTotals sums the year's meetings of the subtree's bodies.
func (s *Store) meetingTotals(ctx context.Context, path string, y int) (MeetingTotals, error) {
	var row struct{ Count, Girls, Boys int }
	err := s.db.WithContext(ctx).Table("meetings").Select("COUNT(*) AS count, COALESCE(SUM(girls), 0) AS girls, COALESCE(SUM(boys), 0) AS boys").
		Where("held_on >= ? AND held_on < ?", fmt.Sprintf("%04d-01-01", y), fmt.Sprintf("%04d-01-01", y+1)).
		Where("body_id IN (SELECT bodies.id FROM bodies JOIN regions ON regions.id = bodies.region_id WHERE regions.path LIKE ?)", path+"%").
		Scan(&row).Error
	if err != nil {
		return MeetingTotals{}, fmt.Errorf("sum meetings: %w", err)
	}
	return MeetingTotals{Count: row.Count, Girls: suppress(row.Girls), Boys: suppress(row.Boys)}, nil
}

// split counts the children with active consent in the subtree's bodies who had joined by the
// year's end, each once, by sex and by age band (age reached in the year).
func (s *Store) split(ctx context.Context, path string, y int) (Split, error) {
	_, to := s.yearSpan(y)
	var kids []struct {
		Sex        string
		BirthYear  int
		BirthMonth int
	}
	err := s.db.WithContext(ctx).Table("children").Select("sex, birth_year, birth_month").
		Where("consent_status = ? AND id IN (SELECT child_id FROM memberships WHERE created_at < ? AND body_id IN (SELECT bodies.id FROM bodies JOIN regions ON regions.id = bodies.region_id WHERE regions.path LIKE ?))",
			ConsentActive, to, path+"%").Scan(&kids).Error
	if err != nil {
		return Split{}, fmt.Errorf("split children: %w", err)
	}
	sex := map[string]int{SexFemale: 0, SexMale: 0, "unspecified": 0}
	bands := map[string]int{}
	endOfYear := time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, k := range kids {
		if k.Sex == SexFemale || k.Sex == SexMale {
			sex[k.Sex]++
		} else {
			sex["unspecified"]++
		}
		age := Age(k.BirthYear, k.BirthMonth, endOfYear)
		for _, b := range AgeBands {
			if age >= b.Min && age <= b.Max {
				bands[b.Name]++
			}
		}
	}
	out := Split{BySex: map[string]any{}, ByAgeBand: map[string]any{}}
	for k, n := range sex {
		out.BySex[k] = suppress(n)
	}
	for _, b := range AgeBands {
		out.ByAgeBand[b.Name] = suppress(bands[b.Name])
	}
	return out, nil
}

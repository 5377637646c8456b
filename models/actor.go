package models

import (
	"slices"

	"gorm.io/gorm"
)

// Role is what a signed-in user is.
type Role string

const (
	RoleChild       Role = "child"
	RoleFacilitator Role = "facilitator"
	RoleCommittee   Role = "committee"
	RoleAdmin       Role = "admin"
)

// ParseRole returns the role named s, or false.
func ParseRole(s string) (Role, bool) {
	r := Role(s)
	switch r {
	case RoleChild, RoleFacilitator, RoleCommittee, RoleAdmin:
		return r, true
	}
	return "", false
}

// Actor is whoever makes a request, with what decides their scope. It is loaded fresh from the
// database for every request, so a withdrawn consent or a deleted account counts at once.
type Actor struct {
	ID          string
	Role        Role
	DisplayName string
	Locale      string
	SessionID   string

	RegionID   string   // committee: the root of their subtree
	RegionPath string   // committee: that region's path
	BodyIDs    []string // facilitator: the bodies they run; child: the bodies they belong to

	ConsentStatus string // child only
	Assent        string // child only
	// ObserverPaths are the region paths of the observer groups a child belongs to: such a child
	// also reads the evaluation and later proposals of those regions' subtrees.
	ObserverPaths []string

	// epoch is the auth epoch read for this request (see sessionCache); zero when the actor did
	// not come from a session. Lists use it to trust the names they keep (listNames).
	epoch int64
}

// SystemActor acts for the command line and the demo seed.
func SystemActor() *Actor { return &Actor{ID: "system", Role: RoleAdmin, DisplayName: "system"} }

// Action is something a role may or may not do, as in API.md "Who may do what".
type Action int

const (
	ManageRegions Action = iota // create and list regions
	CreateBodies
	ReadBodies
	ManageMembers // add, list, details, PIN reset, consent links
	ManageStaff
	ManageStages // stage changes, options, decisions, closing
	CommentAsStaff
	FileInspection
	ReadStatistics   // overdue list, statistics, CSV export
	ManageModeration // the queue and its decisions
	RecordMeetings   // meetings, their paper and show-of-hands results, activities
	ManageTargets    // the plan's targets and the monitoring of them
)

// permitted is the role half of API.md's table; the scope half is in the scope* functions below.
var permitted = map[Action][]Role{
	ManageRegions:    {RoleAdmin, RoleCommittee},
	CreateBodies:     {RoleAdmin, RoleCommittee},
	ReadBodies:       {RoleAdmin, RoleCommittee, RoleFacilitator, RoleChild},
	ManageMembers:    {RoleAdmin, RoleCommittee, RoleFacilitator},
	ManageStaff:      {RoleAdmin},
	ManageStages:     {RoleAdmin, RoleCommittee},
	CommentAsStaff:   {RoleCommittee, RoleFacilitator},
	FileInspection:   {RoleAdmin, RoleCommittee, RoleFacilitator, RoleChild},
	ReadStatistics:   {RoleAdmin, RoleCommittee, RoleFacilitator},
	ManageModeration: {RoleAdmin, RoleCommittee, RoleFacilitator},
	RecordMeetings:   {RoleAdmin, RoleCommittee, RoleFacilitator},
	ManageTargets:    {RoleAdmin, RoleCommittee},
}

// Can reports whether the actor's role may do act (within its scope).
func (a *Actor) Can(act Action) bool { return slices.Contains(permitted[act], a.Role) }

// Require returns ErrForbidden unless the actor's role may do act.
func (a *Actor) Require(act Action) error {
	if !a.Can(act) {
		return ErrForbidden
	}
	return nil
}

// IsStaff reports whether the actor is a staff member of any role.
func (a *Actor) IsStaff() bool { return a.Role != RoleChild }

// scopeRegions limits a query on regions to those the actor may see.
func scopeRegions(q *gorm.DB, a *Actor) *gorm.DB {
	if q, ok := scopeAboveBodies(q, a, "regions.path LIKE ?"); ok {
		return q
	}
	return q.Where("1 = 0")
}

// scopeBodies limits a query on bodies to those the actor may see.
func scopeBodies(q *gorm.DB, a *Actor) *gorm.DB {
	if q, ok := scopeAboveBodies(q, a, "bodies.region_id IN (SELECT id FROM regions WHERE path LIKE ?)"); ok {
		return q
	}
	if len(a.BodyIDs) == 0 {
		return q.Where("1 = 0")
	}
	return q.Where("bodies.id IN ?", a.BodyIDs)
}

// scopeAboveBodies scopes q for the roles that see more than their own bodies: an admin sees
// everything, a committee member their region's subtree, where underRegion (a condition on a
// path prefix) holds. It reports false for every other role.
func scopeAboveBodies(q *gorm.DB, a *Actor, underRegion string) (*gorm.DB, bool) {
	switch a.Role {
	case RoleAdmin:
		return q, true
	case RoleCommittee:
		return q.Where(underRegion, a.RegionPath+"%"), true
	}
	return q, false
}

// scopeChildren limits a query on children to those in a body the actor may see. Staff outside
// a child's bodies cannot see the child at all (DESIGN.md rule 6).
func scopeChildren(db *gorm.DB, q *gorm.DB, a *Actor) *gorm.DB {
	if a.Role == RoleAdmin {
		return q
	}
	if a.Role == RoleChild {
		return q.Where("children.id = ?", a.ID)
	}
	visible := scopeBodies(db.Table("bodies").Select("bodies.id"), a)
	return q.Where("children.id IN (SELECT child_id FROM memberships WHERE body_id IN (?))", visible)
}

// scopeProposals limits a query on proposals to those the actor may read. Staff see every
// proposal of the bodies in their scope, whatever its visibility; children see the published
// proposals of their bodies and their own, and observer-group members also the published
// evaluation and later proposals of their groups' region subtrees.
func scopeProposals(db *gorm.DB, q *gorm.DB, a *Actor) *gorm.DB {
	if a.IsStaff() {
		if a.Role == RoleFacilitator && len(a.BodyIDs) == 1 {
			// A facilitator of one body, by equality as for a child (below): the page is read
			// from the body's index in order instead of sorting every proposal of the body.
			return q.Where("proposals.body_id = ?", a.BodyIDs[0])
		}
		return q.Where("proposals.body_id IN (?)", scopeBodies(db.Table("bodies").Select("bodies.id"), a))
	}
	var own *gorm.DB
	if len(a.BodyIDs) == 1 {
		// Equality, not IN: SQLite then reads a body's page from its index in order, where a
		// list of one would make it sort every proposal of the body.
		own = db.Where("proposals.body_id = ? AND (proposals.visibility = ? OR proposals.author_id = ?)",
			a.BodyIDs[0], VisibilityPublished, a.ID)
	} else {
		own = db.Where("proposals.body_id IN ? AND (proposals.visibility = ? OR proposals.author_id = ?)",
			nonEmpty(a.BodyIDs), VisibilityPublished, a.ID)
	}
	if len(a.ObserverPaths) == 0 {
		return q.Where(own)
	}
	regions := db.Table("regions").Select("id")
	for i, p := range a.ObserverPaths {
		if i == 0 {
			regions = regions.Where("path LIKE ?", p+"%")
		} else {
			regions = regions.Or("path LIKE ?", p+"%")
		}
	}
	observed := db.Where("proposals.visibility = ? AND proposals.stage IN ? AND proposals.body_id IN (?)",
		VisibilityPublished, []string{StageEvaluation, StageClosed},
		db.Table("bodies").Select("id").Where("region_id IN (?)", regions))
	return q.Where(own.Or(observed))
}

// nonEmpty keeps "IN ?" valid for an empty list.
func nonEmpty(ids []string) []string {
	if len(ids) == 0 {
		return []string{""}
	}
	return ids
}

// inAudience reports whether a child belongs to the body a proposal was made in.
func (a *Actor) inAudience(bodyID string) bool {
	return a.Role == RoleChild && slices.Contains(a.BodyIDs, bodyID)
}

package models

import (
	"context"
	"fmt"
	"time"
)

// Region kinds, from the top of the tree down.
var regionDepth = map[string]int{"city": 1, "district": 2, "township": 3, "community": 4}

// Region is a place in the tree city › district › township › community.
type Region struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Kind      string    `json:"kind"`
	ParentID  *string   `json:"parent_id"`
	Path      string    `json:"-"` // "/root/…/id/": a subtree is a prefix
	CreatedAt time.Time `json:"created_at"`
}

// RegionInput is what a client sends to create a region.
type RegionInput struct {
	Name     string
	Kind     string
	ParentID string
}

// CreateRegion adds a region under ParentID (admin may add a root). Committee staff add only
// inside their subtree. Returns forbidden for other roles and for a committee root, not_found
// for a parent out of scope, bad_request for an unknown kind, validation_failed otherwise.
func (s *Store) CreateRegion(ctx context.Context, a *Actor, in RegionInput) (*Region, error) {
	if err := a.Require(ManageRegions); err != nil {
		return nil, err
	}
	depth, ok := regionDepth[in.Kind]
	if !ok && in.Kind != "" {
		return nil, BadField("kind", "field.unknown_value")
	}
	var v Invalid
	in.Name = clean(in.Name)
	v.length("name", in.Name, 1, 40)
	if in.Kind == "" {
		v.Add("kind", "field.required", nil)
	}
	r := &Region{ID: NewID(s.Now()), Name: in.Name, Kind: in.Kind, CreatedAt: s.Now()}
	if in.ParentID == "" {
		if a.Role != RoleAdmin {
			return nil, ErrForbidden
		}
		r.Path = "/" + r.ID + "/"
	} else {
		parent, err := s.Region(ctx, a, in.ParentID)
		if err != nil {
			return nil, err
		}
		if ok && regionDepth[parent.Kind] >= depth {
			v.Add("kind", "error.region_kind_order", nil)
		}
		r.ParentID = &parent.ID
		r.Path = parent.Path + r.ID + "/"
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := s.db.WithContext(ctx).Create(r).Error; err != nil {
		return nil, fmt.Errorf("store region: %w", err)
	}
	return r, nil
}

// Region returns one region in the actor's scope, or not_found.
func (s *Store) Region(ctx context.Context, a *Actor, id string) (*Region, error) {
	if !ValidID(id) {
		return nil, ErrNotFound
	}
	var r Region
	err := scopeRegions(s.db.WithContext(ctx).Model(&Region{}), a).Where("id = ?", id).Take(&r).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &r, nil
}

// ListRegions lists the regions the actor may see, in creation order.
func (s *Store) ListRegions(ctx context.Context, a *Actor, p Page) ([]Region, string, error) {
	if err := a.Require(ManageRegions); err != nil {
		return nil, "", err
	}
	q := scopeRegions(s.db.WithContext(ctx).Model(&Region{}), a)
	rows, next, err := pageOf(q, p, "id", false, func(r Region) string { return r.ID })
	if err != nil {
		return nil, "", fmt.Errorf("list regions: %w", err)
	}
	return rows, next, nil
}

// regionPath returns the path of any region (a filter narrows what scope already allows).
func (s *Store) regionPath(ctx context.Context, id string) (string, error) {
	if !ValidID(id) {
		return "", ErrNotFound
	}
	var r Region
	if err := s.db.WithContext(ctx).Select("path").Where("id = ?", id).Take(&r).Error; err != nil {
		return "", notFound(err)
	}
	return r.Path, nil
}

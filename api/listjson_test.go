package api

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"tongsheng/models"
)

// fill sets every field reachable from v at random, pointers nil or set, so that a field added
// to ProposalItem and not to appendProposalItem makes TestProposalListJSON fail.
func fill(r *rand.Rand, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if r.IntN(3) == 0 {
			v.SetZero()
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fill(r, v.Elem())
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			at := time.Unix(r.Int64N(4e9), r.Int64N(1e9))
			zones := []*time.Location{time.UTC, time.FixedZone("", 8*3600), time.FixedZone("CST", -5*3600-1800)}
			at = at.In(zones[r.IntN(len(zones))])
			if r.IntN(3) == 0 {
				at = at.Truncate(time.Second)
			}
			v.Set(reflect.ValueOf(at))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(r, v.Field(i))
			}
		}
	case reflect.String:
		v.SetString(randomText(r))
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int, reflect.Int64:
		v.SetInt(r.Int64N(1<<40) - 1<<39)
	default:
		panic("fill: add " + v.Kind().String())
	}
}

// randomText mixes what a title or nickname may hold with everything JSON escapes.
func randomText(r *rand.Rand) string {
	if r.IntN(4) == 0 {
		return ""
	}
	parts := []string{"操场", "a", " ", "\"", "\\", "<", ">", "&", "\n", "\t", "\r", "\b", "\f", "\x00", "\x1f",
		"\u2028", "\u2029", "\xff", "\xe4\xb8", "😀", "é", "/", "'", "\x7f", "01krj1y14x00007395sg8mxjq1"}
	var b strings.Builder
	for range r.IntN(8) + 1 {
		b.WriteString(parts[r.IntN(len(parts))])
	}
	return b.String()
}

// The hand-written list body is byte for byte what encoding/json writes for the same value.
func TestProposalListJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	for n := range 3000 {
		items := make([]models.ProposalItem, n%4)
		for i := range items {
			fill(r, reflect.ValueOf(&items[i]).Elem())
		}
		var next *string
		var total *int64
		fill(r, reflect.ValueOf(&next).Elem())
		fill(r, reflect.ValueOf(&total).Elem())
		want, err := json.Marshal(struct {
			Items      []models.ProposalItem `json:"items"`
			NextCursor *string               `json:"next_cursor"`
			Total      *int64                `json:"total,omitempty"`
		}{items, next, total})
		if err != nil {
			t.Fatal(err)
		}
		if got := appendProposalList(nil, items, next, total); string(got) != string(want) {
			t.Fatalf("hand-written list differs from encoding/json:\n got %s\nwant %s", got, want)
		}
	}
}

// The public list body is byte for byte what encoding/json writes for the map it replaced.
func TestPublicListJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 3))
	for n := range 3000 {
		items := make([]models.PublicItem, n%4)
		for i := range items {
			fill(r, reflect.ValueOf(&items[i]).Elem())
		}
		var next *string
		fill(r, reflect.ValueOf(&next).Elem())
		want, err := json.Marshal(map[string]any{"items": items, "next_cursor": next})
		if err != nil {
			t.Fatal(err)
		}
		if got := appendPublicList(nil, items, next); string(got) != string(want) {
			t.Fatalf("hand-written public list differs from encoding/json:\n got %s\nwant %s", got, want)
		}
	}
}

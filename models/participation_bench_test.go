package models_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"tongsheng/models"
	"tongsheng/models/modelstest"
	"tongsheng/seeds"
)

// benchCity is one synthetic city of 10,000 proposals, built once for all benchmarks.
var benchCity = struct {
	once sync.Once
	s    *models.Store
	syn  *seeds.Synthetic
	err  error
}{}

func city(b *testing.B) (*models.Store, *seeds.Synthetic) {
	benchCity.once.Do(func() {
		dir, err := osTempDir()
		if err != nil {
			benchCity.err = err
			return
		}
		benchCity.s, benchCity.err = models.Open(models.Options{DataDir: dir, Hashing: modelstest.FastHashing, DataKey: make([]byte, 32)})
		if benchCity.err != nil {
			return
		}
		start := time.Now()
		benchCity.syn, benchCity.err = seeds.Generate(context.Background(), benchCity.s, seeds.SyntheticSize{Bodies: 20, ChildrenPerBody: 40, Proposals: 10000})
		fmt.Printf("synthetic city of 10,000 proposals built in %v\n", time.Since(start).Round(time.Millisecond))
		if benchCity.err == nil {
			benchCity.err = benchCity.s.Optimize(context.Background()) // as serve does every few hours
		}
	})
	if benchCity.err != nil {
		b.Fatal(benchCity.err)
	}
	return benchCity.s, benchCity.syn
}

// BenchmarkListProposals lists the first page (20) of a child's body: 500 of the 10,000.
func BenchmarkListProposals(b *testing.B) {
	s, syn := city(b)
	child := syn.Children[0][0]
	ctx := context.Background()
	for b.Loop() {
		l, err := s.ListProposals(ctx, child, models.ProposalFilter{}, models.Page{Limit: 20})
		if err != nil || len(l.Items) != 20 {
			b.Fatal(err, l)
		}
	}
}

// BenchmarkListProposalsCommittee lists a page over the whole city, as the committee does.
func BenchmarkListProposalsCommittee(b *testing.B) {
	s, _ := city(b)
	ctx := context.Background()
	for b.Loop() {
		l, err := s.ListProposals(ctx, models.SystemActor(), models.ProposalFilter{Stage: models.StageNeeds}, models.Page{Limit: 100})
		if err != nil || len(l.Items) != 100 {
			b.Fatal(err, l)
		}
	}
}

// BenchmarkCastVote casts and changes votes on one proposal in design among 10,000.
func BenchmarkCastVote(b *testing.B) {
	s, syn := city(b)
	ctx := context.Background()
	id := syn.Proposals[0]
	sys := models.SystemActor()
	var opts []string
	d, _ := s.ProposalDetail(ctx, sys, id)
	if d.Stage == models.StageNeeds {
		if _, err := s.ChangeStage(ctx, sys, id, models.StageInput{To: models.StageDesign}); err != nil {
			b.Fatal(err)
		}
		for _, t := range []string{"方案一", "方案二", "方案三"} {
			if _, err := s.AddOption(ctx, sys, id, models.OptionInput{Title: t}); err != nil {
				b.Fatal(err)
			}
		}
	}
	d, _ = s.ProposalDetail(ctx, sys, id)
	for _, o := range d.Options {
		opts = append(opts, o.ID)
	}
	kids := syn.Children[0]
	i := 0
	for b.Loop() {
		if err := s.CastVote(ctx, kids[i%len(kids)], id, opts[i%len(opts)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

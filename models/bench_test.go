package models_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"tongsheng/models"
	"tongsheng/models/modelstest"
)

// BenchmarkClassSignIn signs in a class of 40 children at once with the production hashing
// cost; one op is the whole class. The target is under 2 s.
func BenchmarkClassSignIn(b *testing.B) {
	s := modelstest.Open(b, models.DialectSQLite, nil, models.DefaultHashing)
	ctx := context.Background()
	sys := models.SystemActor()
	city, _ := s.CreateRegion(ctx, sys, models.RegionInput{Name: "乐清市", Kind: "city"})
	body, err := s.CreateBody(ctx, sys, models.BodyInput{Name: "议事会", Kind: "council", RegionID: city.ID})
	if err != nil {
		b.Fatal(err)
	}
	const class = 40
	for i := range class {
		if _, err := s.AddMember(ctx, sys, body.ID, models.MemberInput{Nickname: "同学", LoginName: fmt.Sprintf("c%02d", i),
			PIN: "2580", BirthYear: 2016, BirthMonth: 3}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		for i := range class {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, err := s.ChildSignIn(ctx, body.JoinCode, fmt.Sprintf("c%02d", i), "2580", models.SignIn{Address: "10.0.0.1"})
				if err == nil {
					_, _, err = s.StartSession(ctx, a)
				}
				if err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
	}
}

package models_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"tongsheng/models"
	"tongsheng/models/modelstest"
)

// A guardian's erasing withdrawal and the child's writes at the same moment (the session read
// before the withdrawal): each write either commits first and is erased with the rest, or is
// refused. No word of it survives.
func TestErasingWithdrawalWinsOverWritesInFlight(t *testing.T) {
	for _, dialect := range modelstest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, dialect, 2)
			child := w.children[0]
			other := w.propose(t, 1)
			erase := true
			var wg sync.WaitGroup
			errs := make(chan error, 40)
			start := make(chan struct{})
			for i := range 20 {
				wg.Add(2)
				go func() {
					defer wg.Done()
					<-start
					_, err := w.s.CreateProposal(ctx, child, models.ProposalInput{BodyID: w.body.ID, Title: fmt.Sprintf("秘密树屋%02d", i), Category: "park"})
					errs <- err
				}()
				go func() {
					defer wg.Done()
					<-start
					_, err := w.s.AddComment(ctx, child, other, models.CommentInput{Body: fmt.Sprintf("秘密留言%02d", i)})
					errs <- err
				}()
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if err := w.s.WithdrawOnPaper(ctx, w.admin, child.ID, models.Withdrawal{Erase: &erase, Reference: "W-1"}); err != nil {
					t.Error(err)
				}
			}()
			close(start)
			wg.Wait()
			close(errs)
			for err := range errs {
				// not_found: the write committed and was erased before its answer was read back.
				if err != nil && !errors.Is(err, models.ErrConsentRequired) && !errors.Is(err, models.ErrNotFound) {
					t.Errorf("a write racing the withdrawal failed otherwise: %v", err)
				}
			}
			l, err := w.s.ListProposals(ctx, w.admin, models.ProposalFilter{Query: "秘密树屋"}, models.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Items) > 0 {
				t.Errorf("%d proposals written during the erasing withdrawal survived it", len(l.Items))
			}
			comments, _, err := w.s.ListComments(ctx, w.admin, other, models.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range comments {
				if c.Body != "" {
					t.Errorf("a comment written during the erasing withdrawal survived it: %q", c.Body)
				}
			}
		})
	}
}

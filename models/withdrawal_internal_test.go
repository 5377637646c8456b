package models

import (
	"context"
	"testing"
)

// An erased proposal's shell stores no words in any language, only its mark; shells stored with
// the Chinese text before are emptied by migration 0007.
func TestErasedShellStoresOnlyItsMark(t *testing.T) {
	for dialect, s := range internalStores(t) {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			child, p := evaluatedProposal(t, s)
			yes := true
			if err := s.WithdrawOnPaper(ctx, SystemActor(), child.ID, Withdrawal{Erase: &yes, Reference: "W-1"}); err != nil {
				t.Fatal(err)
			}
			stored := func() Proposal {
				t.Helper()
				var row Proposal
				if err := s.db.Where("id = ?", p.ID).Take(&row).Error; err != nil {
					t.Fatal(err)
				}
				return row
			}
			if row := stored(); row.Title != "" || row.Description != "" || !row.Erased {
				t.Fatalf("the shell stores %q / %q (erased %v), want only its mark", row.Title, row.Description, row.Erased)
			}

			// A shell from before the mark, read after the migration.
			if err := s.db.Exec("UPDATE proposals SET title = '已由作者撤回', description = '已由作者撤回' WHERE id = ?", p.ID).Error; err != nil {
				t.Fatal(err)
			}
			if err := s.db.Exec("DELETE FROM schema_migrations WHERE id = '0007_erased_mark'").Error; err != nil {
				t.Fatal(err)
			}
			if ran, err := s.Migrate(ctx); err != nil || len(ran) != 1 {
				t.Fatalf("migrate: %v %v", ran, err)
			}
			if row := stored(); row.Title != "" || row.Description != "" || !row.Erased {
				t.Fatalf("after the migration the shell stores %q / %q", row.Title, row.Description)
			}
		})
	}
}

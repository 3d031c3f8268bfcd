package agreement_test

import (
	"context"
	"testing"

	"shuyu/internal/agreement"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// BenchmarkActiveUntil measures the check the sandbox and the product
// gateway make on every query and call, on the embedded store.
func BenchmarkActiveUntil(b *testing.B) {
	e := newEnv(b, storetest.New(b, store.SQLite, migrations()...))
	a := e.in(b, agreement.Active)
	ctx, ids := context.Background(), a.DatasetIDs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.ag.ActiveUntil(ctx, e.Orgs["operator"], ids); err != nil {
			b.Fatal(err)
		}
	}
}

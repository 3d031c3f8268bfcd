package product_test

import (
	"context"
	"net/http"
	"testing"

	"shuyu/internal/app/apptest"
	"shuyu/internal/calendar"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestQuotaSharedAcrossProcesses: a subscription's monthly quota counts the
// calls other processes sharing the database have flushed, from this
// process's next flush on: with a quota of 5, two calls here and three
// flushed by another process leave no call once this one has flushed.
func TestQuotaSharedAcrossProcesses(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			env := apptest.New(t, d)
			grantID, _ := listGrant(t, env)
			pr, key := servedProduct(t, env, grantID, "配额核验（测试）", 5)
			example := exampleOf(t, env, pr.ID)
			call := func() (int, []byte) { return env.Do(t, "POST", "/api/v1/products/"+pr.ID+"/call", key, example) }
			for range 2 {
				if st, body := call(); st != http.StatusOK {
					t.Fatalf("a call within the quota: %d %s", st, body)
				}
			}
			if err := env.App.Products.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			var sub string
			if err := env.App.DB.QueryRow(ctx, `SELECT id FROM product_subscriptions WHERE product_id = $1`, pr.ID).Scan(&sub); err != nil {
				t.Fatal(err)
			}
			other, err := store.Open(ctx, env.App.Config.DSN())
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			month := calendar.DateOf(env.App.DB.Now()).String()[:7]
			if err := other.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO product_usage (subscription_id, api_key_id, month, calls, records) VALUES ($1, 'elsewhere', $2, 3, 3)`, sub, month)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			// This process learns of them when it next flushes a call of the
			// subscription: the call before may still be counted against 2.
			call()
			if err := env.App.Products.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			st, body := call()
			want(t, "a call once 3 + 3 calls are flushed", st, http.StatusForbidden, body, "quota")
		})
	}
}

package product_test

import (
	"context"
	"net/http"
	"testing"

	"shuyu/internal/agreement"
	"shuyu/internal/app/apptest"
	"shuyu/internal/product"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// memoKey is an API key of the demo application unit, with its ID.
type memoKey struct{ ID, Key string }

func newKey(t *testing.T, env *apptest.Env, name string) memoKey {
	t.Helper()
	var k memoKey
	if st := env.Call(t, "POST", "/api/v1/api-keys", env.Login(t, "appunit"), map[string]any{"name": name}, &k); st != http.StatusCreated {
		t.Fatalf("key %s: %d", name, st)
	}
	return k
}

// warm calls product id with key k and checks that the answer came and
// that the gateway now remembers the permit: the next call would be
// answered without reading the database, unless the memo is forgotten.
func warm(t *testing.T, env *apptest.Env, id string, k memoKey, example map[string]any) {
	t.Helper()
	if st, body := env.Do(t, "POST", "/api/v1/products/"+id+"/call", k.Key, example); st != http.StatusOK {
		t.Fatalf("call with %s: %d %s", k.ID, st, body)
	}
	if !env.App.Products.Remembers(k.ID, id) {
		t.Fatalf("after a call the gateway does not remember the permit of %s", k.ID)
	}
}

func exampleOf(t *testing.T, env *apptest.Env, id string) map[string]any {
	t.Helper()
	var v product.View
	env.Call(t, "GET", "/api/v1/products/"+id, env.Login(t, "appunit"), nil, &v)
	return v.Example
}

// TestMemoForgetsAtOnce: with the gateway's memo warm (the permit
// remembered by the call just before), a revoked key, an ended
// subscription and the operator's exit each refuse the very next call in
// this process; a key revoked and a subscription ended by another process
// sharing the database are refused once store.MemoTTL has passed.
func TestMemoForgetsAtOnce(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			clock := &apptest.Clock{}
			env := apptest.NewWithClock(t, d, clock)
			unit, op := env.Login(t, "appunit"), env.Login(t, "operator")
			demo := demoProductID(t, env)
			example := exampleOf(t, env, demo)
			call := func(id string, k memoKey) (int, []byte) {
				return env.Do(t, "POST", "/api/v1/products/"+id+"/call", k.Key, example)
			}

			revoked := newKey(t, env, "撤销")
			warm(t, env, demo, revoked, example)
			if st := env.Call(t, "DELETE", "/api/v1/api-keys/"+revoked.ID, unit, nil, nil); st != http.StatusOK {
				t.Fatalf("revoke: %d", st)
			}
			st, body := call(demo, revoked)
			want(t, "the next call with a revoked key", st, http.StatusUnauthorized, body, "revoked")

			// Another process: a second handle on the same database, whose
			// commits this process's generation does not count.
			other, err := store.Open(ctx, env.App.Config.DSN())
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			elsewhere := newKey(t, env, "他处撤销")
			warm(t, env, demo, elsewhere, example)
			if err := other.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, `UPDATE api_keys SET revoked_at = $1, revoked_by = '' WHERE id = $2`, other.Now(), elsewhere.ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			clock.Advance(store.MemoTTL)
			st, body = call(demo, elsewhere)
			want(t, "a key revoked by another process, store.MemoTTL later", st, http.StatusUnauthorized, body, "revoked")

			k := newKey(t, env, "订阅终止")
			sub := demoSubscription(t, env)
			warm(t, env, demo, k, example)
			if st := env.Call(t, "POST", "/api/v1/subscriptions/"+sub+"/end", op, map[string]any{"comment": "停止使用"}, nil); st != http.StatusOK {
				t.Fatalf("end the subscription: %d", st)
			}
			st, body = call(demo, k)
			want(t, "the next call on an ended subscription", st, http.StatusForbidden, body, "no approved subscription")

			grantID, agreementID := listGrant(t, env)
			pr, secret := servedProduct(t, env, grantID, "退出核验（测试）", 0)
			onExit := memoKey{Key: secret}
			keys, _, err := env.App.Identity.APIKeys(ctx, principal(t, env, "appunit"), "", store.NewPage(1, ""))
			if err != nil || len(keys) != 1 {
				t.Fatalf("the newest key: %v %d", err, len(keys))
			}
			onExit.ID = keys[0].ID
			example = exampleOf(t, env, pr.ID)
			warm(t, env, pr.ID, onExit, example)
			if _, err := env.App.Agreements.Terminate(ctx, principal(t, env, "bureau"), agreementID,
				agreement.EndInput{Code: agreement.EarlyTermination, Reason: "运营单位申请提前终止"}); err != nil {
				t.Fatal(err)
			}
			st, body = call(pr.ID, onExit)
			want(t, "the next call after the operator's exit", st, http.StatusForbidden, body, "deregistered")
		})
	}
}

// TestMemoEndsWithTheTerm: a permit is remembered no longer than the
// operator's agreement runs: when its term ends, with nothing committed
// (the expiry job has not run), the next call is refused.
func TestMemoEndsWithTheTerm(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			clock := &apptest.Clock{}
			env := apptest.NewWithClock(t, d, clock)
			demo := demoProductID(t, env)
			example := exampleOf(t, env, demo)
			_, agreementID := listGrant(t, env)
			a, err := env.App.Agreements.Lookup(ctx, agreementID)
			if err != nil {
				t.Fatal(err)
			}
			k := newKey(t, env, "期满")
			// Within a second of the end: well inside store.MemoTTL.
			clock.Advance(a.EndsAt.Sub(clock.Now()) - store.MemoTTL/2)
			warm(t, env, demo, k, example)
			clock.Advance(store.MemoTTL / 2)
			st, body := env.Do(t, "POST", "/api/v1/products/"+demo+"/call", k.Key, example)
			want(t, "a call when the agreement's term has ended", st, http.StatusForbidden, body, "no active authorized-operation agreement")
		})
	}
}

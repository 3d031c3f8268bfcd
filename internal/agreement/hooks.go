package agreement

import (
	"context"
	"slices"

	"shuyu/internal/access"
	"shuyu/internal/identity"
	"shuyu/internal/store"
)

// The exit hooks of what exists so far; app registers them. Later packages
// register their own (grants, product keys) the same way.

// RevokeKeys is the hook that revokes every API key the operator's
// organization holds, once no other agreement of the operator continues.
func RevokeKeys(ids *identity.Service) Hook {
	return func(ctx context.Context, tx *store.Tx, e Exit) ([]Deleted, error) {
		if len(e.Continuing) > 0 {
			return nil, nil
		}
		by := e.By.UserID
		keys, err := ids.RevokeOrgKeys(ctx, tx, e.OperatorID, by)
		out := make([]Deleted, len(keys))
		for i, k := range keys {
			out[i] = Deleted{What: "api_key", Ref: k.ID, Name: k.Prefix}
		}
		return out, err
	}
}

// SandboxAccess is the hook that records the operator's analysts whose
// sandbox access ends with the agreement. Nothing is changed on them: the
// sandbox asks RequireActiveIn on every query, which refuses from the
// moment the agreement left active; the record says whom that stopped.
func SandboxAccess(ids *identity.Service) Hook {
	return func(ctx context.Context, _ *store.Tx, e Exit) ([]Deleted, error) {
		if len(e.Continuing) > 0 {
			return nil, nil
		}
		var out []Deleted
		page := store.NewPage(store.MaxPageSize, "")
		for {
			users, next, err := ids.Users(ctx, access.System("agreement"), e.OperatorID, page)
			if err != nil {
				return nil, err
			}
			for _, u := range users {
				if slices.Contains(u.Roles, access.RoleAnalyst) {
					out = append(out, Deleted{What: "sandbox_access", Ref: u.ID, Name: u.Username})
				}
			}
			if next == "" {
				return out, nil
			}
			page.After = next
		}
	}
}

package identity

import (
	"context"

	"shuyu/internal/access"
)

// Lookup returns an organization without checking who asks: other packages
// use it to describe their resources for access checks (the owner's kind
// and jurisdiction), never to show it.
func (s *Service) Lookup(ctx context.Context, id string) (Organization, error) {
	return getOrg(ctx, s.db, id)
}

// PrincipalOf returns the principal of an active user, as if they had
// signed in. Only trusted code uses it (seeding the demo, the command line
// acting for a named user); no request reaches it.
func (s *Service) PrincipalOf(ctx context.Context, username string) (access.Principal, error) {
	return s.principal(ctx, s.db, `u.username = $1`, username)
}

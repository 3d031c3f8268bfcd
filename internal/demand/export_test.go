package demand

import (
	"context"

	"shuyu/internal/access"
)

// ExpireGrant takes the expiry step on one grant, as Tick does.
func (s *Service) ExpireGrant(ctx context.Context, p access.Principal, id string) error {
	reason := "使用期限届满"
	return s.endGrant(ctx, p, id, Expire, &reason)
}

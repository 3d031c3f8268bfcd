package agreement

import (
	"context"

	"shuyu/internal/access"
)

// BeginExit takes an exit's first step only, the way a process killed
// right after its commit would leave it.
func (s *Service) BeginExit(ctx context.Context, p access.Principal, id string, in EndInput) (Record, error) {
	return s.begin(ctx, p, id, Terminate, Reason{Code: in.Code, Text: in.Reason})
}

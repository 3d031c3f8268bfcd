package quality

import (
	"context"

	"shuyu/internal/domain"
)

// LeaseCurrent takes, for holder, the lease on assessing entry ref's
// current version under its rules in force, as another process's sweep would.
func (s *Service) LeaseCurrent(ctx context.Context, ref, holder string) (bool, error) {
	d, err := s.catalog.Get(ctx, s.system, ref)
	if err != nil {
		return false, err
	}
	v, err := s.domain.Current(ctx, d.ID)
	if err != nil {
		return false, err
	}
	rs, err := s.ruleSet(ctx, s.db, d)
	if err != nil {
		return false, err
	}
	return s.lease(ctx, v.ID, rulesSHA(rs.Rules), holder)
}

// Check checks v against rules without keeping the result, for benchmarks.
func (s *Service) Check(ctx context.Context, v domain.Version, rules []Rule) (Assessment, error) {
	return s.run(ctx, v, rules)
}

// IDSQL and USCCSQL expose the check-digit SQL to external tests.
var IDSQL, USCCSQL = idNumberSQL, usccSQL

package product

// Exported for the tests of package product_test.
var (
	NewLimiter = newLimiter
	Allow      = (*limiter).allow
	ParseParam = Param.parse
)

// Remembers reports whether the gateway holds a permit of API key apiKeyID
// to call product productID: a test's proof that the next call would be
// answered from the memo, were it not forgotten.
func (s *Service) Remembers(apiKeyID, productID string) bool {
	_, ok := s.permits.Get(permitKey{apiKeyID, productID})
	return ok
}

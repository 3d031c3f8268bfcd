package product

// Exported for the tests of package product_test.
var (
	NewLimiter = newLimiter
	Allow      = (*limiter).allow
	ParseParam = Param.parse
)

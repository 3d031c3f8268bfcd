package web

// qualityRoutes are the quality, ticket and supply-evaluation routes.
func (s *Server) qualityRoutes() []route { return nil }

package web

// governanceRoutes are the routes of implementation plans, announcements,
// applications, selection, publicity and agreements.
func (s *Server) governanceRoutes() []route { return nil }

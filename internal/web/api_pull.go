package web

// pullRoutes are the routes of scheduled pulls from source databases.
func (s *Server) pullRoutes() []route { return nil }

package web

// oversightRoutes are the routes of evaluations, rectifications, exits and
// the inbox.
func (s *Server) oversightRoutes() []route { return nil }

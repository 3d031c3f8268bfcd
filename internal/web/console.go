package web

import "net/http"

// consoleRoutes registers the console and the public portal.
func (s *Server) consoleRoutes(mux *http.ServeMux) {}

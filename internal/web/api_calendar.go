package web

import (
	"net/http"
	"strconv"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/errs"
)

type yearCalendar struct {
	Year int `json:"year"`
	// Official is false when the table lacks the year's notice: then only
	// weekends and fixed-date holidays are known, and deadlines are estimates.
	Official bool           `json:"official"`
	Days     []calendar.Day `json:"days"`
}

func (s *Server) calendarYear(_ http.ResponseWriter, r *http.Request, _ access.Principal) (any, error) {
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || y < 1949 || y > 9999 {
		return nil, errs.E(errs.Invalid, "path year: %q is not a year", r.PathValue("year"))
	}
	days := s.Calendar.Holidays(y)
	if days == nil {
		days = []calendar.Day{}
	}
	return yearCalendar{Year: y, Official: s.Calendar.Covers(y), Days: days}, nil
}

func (s *Server) deadline(_ http.ResponseWriter, r *http.Request, _ access.Principal) (any, error) {
	from, err := calendar.ParseDate(r.URL.Query().Get("from"))
	if err != nil {
		return nil, errs.E(errs.Invalid, "query from: %q is not a date (want YYYY-MM-DD)", r.URL.Query().Get("from"))
	}
	days, err := queryInt(r, "days", -1, 1, 366)
	if err != nil || days < 0 {
		return nil, errs.E(errs.Invalid, "query days: required, an integer from 1 to 366")
	}
	return s.Calendar.DueAfter(from, int(days)), nil
}

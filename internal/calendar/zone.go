package calendar

import "time"

// shanghai is loaded once, at package initialisation.
//
// We do not import time/tzdata: China has kept UTC+8 without daylight saving
// since 1991, so the fixed zone gives the same instant as the tz database for
// every date a deadline can fall on, and a host without tzdata cannot shift a
// deadline. Embedding the database (about 450 KB) would buy nothing here; if
// the binary wants zone names for display, cmd/shuyu may import it.
var shanghai = loadShanghai()

func loadShanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*60*60)
}

// Shanghai returns the Asia/Shanghai location that deadlines are counted in,
// for packages that show times to people.
func Shanghai() *time.Location { return shanghai }

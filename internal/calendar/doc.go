// Package calendar owns shuyu's working-day calendar: the table of public
// holidays and make-up working days (调休上班) that the General Office of the
// State Council publishes each year, and the working-day arithmetic every
// deadline in shuyu is counted with (the regulation says, for example, "filed
// within 20 working days after approval").
//
// A Calendar is parsed from a small text table (see Parse). The official
// arrangements for 2024–2026 are built in (Default); a deployment may replace
// the whole table with its own file (Load), for instance when next year's
// notice is out before shuyu is upgraded. Configuration never merges with the
// built-in table: one table is in force, so one can audit it.
//
// Dates are civil dates in China (Date) taken in Asia/Shanghai; instants going
// in and out are time.Time, and those returned are in UTC.
//
// For a year whose official arrangement is not in the table the calendar falls
// back to weekends plus the fixed-date statutory holidays, and says so
// (Covers, Estimated, Due.Estimated): it never guesses lunar holidays or
// make-up days.
//
// The package never touches the database, the clock or the network, and a
// Calendar never changes once parsed. It does not store deadlines, schedule
// reminders or decide what happens when a deadline passes: the feature
// packages that own those deadlines do.
package calendar

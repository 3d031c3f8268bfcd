// Package inbox tells each user what waits for them: reviews, filings,
// answers, rectifications, each with its due date, overdue items marked.
//
// Feature packages own their deadlines; they offer a Source that lists every
// item pending right now. A job gathers the sources into one table, daily
// and after changes, so that reading an inbox is one query and several
// serve processes share the work (one gathers at a time). The inbox never
// decides a deadline and never changes the objects it lists.
//
// It owns two tables: the items of the current snapshot, and one state row
// naming that snapshot and leasing the next gathering to one process. A
// gathering writes a whole new snapshot and swaps it in one transaction, so
// rerunning it is harmless and readers never see half of one. Overdue is
// decided when an inbox is read, against the clock, not when gathered.
package inbox

// Package quality owns the quality of the data supply (Art. 7, 8, 24): the
// rules per field of each catalog entry (not-null, unique, range, regex,
// enumeration, the GB 11643 and GB 32100 check digits, mobile numbers, date
// formats) and their catalog-derived defaults; the assessment of each
// version against them, with a score and per-rule results; timeliness
// against the declared update frequency; the score of each provider; the
// error-correction (纠错) and objection (异议) tickets with their
// working-day deadlines; and the periodic supply evaluation with its XLSX
// export.
//
// Rules run inside the domain as DuckDB SQL that the platform writes itself
// (one aggregate query per version, through domain.Eval); rows are never
// read into Go. A result holds counts and row numbers, never a value: quality
// reports are read by people who must not see personal data.
//
// It never changes a catalog entry or a version, never decides who may do
// what (package access does, from the one policy table), and never shows
// raw data.
package quality

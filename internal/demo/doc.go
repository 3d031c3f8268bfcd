// Package demo seeds a deterministic synthetic Weifang: the city and its
// twelve county-level divisions, one organization of each kind and a user for
// each demo role. Nothing in it is real: names are invented, credit codes are
// synthetic (with valid check characters) and no real person appears.
//
// Seeding is idempotent: run again, it finds what it made, and gives every
// account that still has a demo password the new one.
package demo

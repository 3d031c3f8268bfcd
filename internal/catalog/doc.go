// Package catalog owns the public data resource catalog (数据资源目录, Art.
// 6–7): each provider's entries with their fields, the per-field
// classification and grade (GB/T 43697-2024), the privacy-unit column,
// whether an entry is in the authorized-operation scope, the history of every
// edit, and the suggestions of the sensitive-field detector.
//
// It never holds data: the rows of a version live only in package domain;
// the catalog keeps what describes them. Core data (核心数据) never enters the
// operation scope.
package catalog

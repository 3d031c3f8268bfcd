package ledger

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Actor is who did something. System jobs have no UserID.
type Actor struct {
	UserID         string `json:"user_id,omitempty"`
	Name           string `json:"name"`
	OrgID          string `json:"org_id,omitempty"`
	JurisdictionID string `json:"jurisdiction_id,omitempty"`
	IP             string `json:"ip,omitempty"`
}

// System is the actor of background jobs.
var System = Actor{Name: "system"}

// Record is an act to append: who, what, on which object, with details.
type Record struct {
	Actor      Actor
	Action     string // dotted, e.g. "auth.login", "org.create"
	ObjectType string
	ObjectID   string
	// Detail is marshalled to JSON; it must not hold secrets or raw data.
	Detail any
}

// Entry is an appended record with its place in the tree.
type Entry struct {
	Index      int64           `json:"index"`
	At         time.Time       `json:"at"`
	Actor      Actor           `json:"actor"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Detail     json.RawMessage `json:"detail"`
	LeafHash   []byte          `json:"leaf_hash"`
	mac        []byte
}

// leafFormat versions the leaf encoding below.
const leafFormat = 1

// leafData is the canonical encoding of an entry that the tree hashes: a
// format byte, the index and time as fixed-width integers, then each text
// field length-prefixed. The index is inside, so an entry moved to another
// place no longer matches its hash.
func (e *Entry) leafData() []byte {
	fields := [...]string{e.Actor.UserID, e.Actor.Name, e.Actor.OrgID, e.Actor.JurisdictionID, e.Actor.IP,
		e.Action, e.ObjectType, e.ObjectID, string(e.Detail)}
	n := 17
	for _, f := range fields {
		n += binary.MaxVarintLen64 + len(f)
	}
	b := make([]byte, 0, n)
	b = append(b, leafFormat)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Index))
	b = binary.BigEndian.AppendUint64(b, uint64(e.At.UnixMicro()))
	for _, f := range fields {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

func (r Record) entry(idx int64, at time.Time) (Entry, error) {
	detail := []byte("{}")
	if r.Detail != nil {
		var err error
		if detail, err = json.Marshal(r.Detail); err != nil {
			return Entry{}, fmt.Errorf("ledger: detail of %s: %w", r.Action, err)
		}
	}
	if r.Action == "" {
		return Entry{}, fmt.Errorf("ledger: a record needs an action")
	}
	if !utf8.Valid(detail) { // a json.RawMessage may hold invalid UTF-8
		detail = bytes.ToValidUTF8(detail, []byte("\uFFFD"))
	}
	a := r.Actor
	a.UserID, a.Name, a.OrgID, a.JurisdictionID, a.IP = storable(a.UserID), storable(a.Name), storable(a.OrgID),
		storable(a.JurisdictionID), storable(a.IP)
	return Entry{Index: idx, At: at, Actor: a, Action: storable(r.Action), ObjectType: storable(r.ObjectType),
		ObjectID: storable(r.ObjectID), Detail: detail}, nil
}

// storable replaces invalid UTF-8 and NUL bytes with U+FFFD. PostgreSQL's
// TEXT refuses both, so without this a record carrying them (a username typed
// by an attacker, say) would fail its append, and with it the act it records,
// on PostgreSQL only; SQLite would keep it. Now both engines keep the same text.
func storable(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

func timeOfMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

package inbox

import (
	"context"
	"time"

	"shuyu/internal/access"
)

// Item is one thing that waits for someone.
type Item struct {
	// Kind names what is to be done, e.g. "plan.filing", "ticket.answer".
	Kind       string `json:"kind"`
	ObjectType string `json:"object_type"`
	ObjectID   string `json:"object_id"`
	// Title describes the item for people, in Chinese (the console shows it as is).
	Title string `json:"title"`
	// OrgID is the organization that must act; Roles, when set, narrows it
	// to members holding one of them; UserID, when set, to one person.
	OrgID  string        `json:"org_id"`
	Roles  []access.Role `json:"roles,omitempty"`
	UserID string        `json:"user_id,omitempty"`
	// DueAt is the deadline (zero: none); Overdue is computed when read.
	DueAt   time.Time `json:"due_at"`
	Overdue bool      `json:"overdue"`
	// Path is where the console shows the object, e.g. /console/plans/{id}.
	Path string `json:"path"`
}

// Source lists every item its package has pending now. It must be cheap
// enough to run daily and after changes, and safe to run concurrently.
type Source func(ctx context.Context) ([]Item, error)

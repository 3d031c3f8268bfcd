package evaluation

import (
	"context"
	"time"
)

// Agreements is what evaluation needs from the agreement package; app wires
// an adapter. Lookup returns a not_found error (package errs) for an unknown
// agreement.
type Agreements interface {
	Lookup(ctx context.Context, id string) (AgreementInfo, error)
}

// AgreementInfo is an agreement as far as its evaluation cares.
type AgreementInfo struct {
	ID string
	// Title names the agreement for people (e.g. its number), in Chinese.
	Title      string
	OperatorID string
	// ImplementingUnitID is the unit that signed the agreement and runs its
	// evaluations; JurisdictionID is the jurisdiction the agreement belongs to.
	ImplementingUnitID string
	JurisdictionID     string
	// Active: signed and in force, neither expired, terminated nor revoked.
	Active           bool
	StartsAt, EndsAt time.Time
}

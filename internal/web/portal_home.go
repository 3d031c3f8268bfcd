package web

import (
	"net/http"

	"shuyu/internal/identity"
	"shuyu/internal/ledger"
)

// portalData is what the public home page shows: the territory the platform
// serves and the ledger's current checkpoint.
type portalData struct {
	Cities []cityView
	// Checkpoint is the ledger's signed head; Unavailable says it could not be read.
	Checkpoint  ledger.Checkpoint
	Unavailable bool
}

// cityView is a city with its county-level divisions.
type cityView struct {
	identity.Jurisdiction
	Counties []identity.Jurisdiction
}

// portalHome is the public face at /: what the platform is, the territory it
// serves and the ledger's current checkpoint. It shows nothing a stranger
// should not read, so it needs no login; a signed-in visitor merely gets the
// console's header.
func (c *console) portalHome(w http.ResponseWriter, r *http.Request) {
	v := c.portalView(w, r, "title.home")
	js, err := c.Identity.Jurisdictions(r.Context())
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	data := portalData{Cities: groupJurisdictions(js)}
	if data.Checkpoint, err = c.Ledger.Checkpoint(r.Context()); err != nil {
		// The portal still serves its text; the checkpoint box says it is unavailable.
		c.Log.WarnContext(r.Context(), "portal: checkpoint", "err", err)
		data.Unavailable = true
	}
	c.render(w, r, v, http.StatusOK, "home", data)
}

// groupJurisdictions puts each county under its city, keeping the order
// Jurisdictions gives (cities first, then by division code).
func groupJurisdictions(js []identity.Jurisdiction) []cityView {
	var cities []cityView
	at := map[string]int{}
	for _, j := range js {
		if j.ParentID == "" {
			at[j.ID] = len(cities)
			cities = append(cities, cityView{Jurisdiction: j})
		}
	}
	for _, j := range js {
		if i, ok := at[j.ParentID]; ok && j.ParentID != "" {
			cities[i].Counties = append(cities[i].Counties, j)
		}
	}
	return cities
}

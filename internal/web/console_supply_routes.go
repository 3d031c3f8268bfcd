package web

import (
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/quality"
)

// supplyRoutes registers the pages of the data supply: the catalog and its
// entries, uploads, quality rules, tickets and the supply evaluation. Each
// page is gated on the action it needs at all; the services decide for the
// entry or ticket at hand.
func (c *console) supplyRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /console/catalog", c.signedIn(access.CatalogBrowse, c.catalogList))
	handle("GET /console/catalog/new", c.signedIn(access.CatalogWrite, c.entryNewForm))
	handle("POST /console/catalog/new", c.signedIn(access.CatalogWrite, c.entryNewSubmit))
	handle("GET /console/catalog/{id}", c.signedIn(access.CatalogBrowse, c.entryShow))
	handle("GET /console/catalog/{id}/edit", c.signedIn(access.CatalogWrite, c.entryEditForm))
	handle("POST /console/catalog/{id}/edit", c.signedIn(access.CatalogWrite, c.entryEditSubmit))
	handle("POST /console/catalog/{id}/suggestions/apply", c.signedIn(access.CatalogWrite, c.suggestionApply))
	handle("POST /console/catalog/{id}/tickets", c.signedIn(access.TicketFile, c.ticketFile))
	handle("GET /console/catalog/{id}/rules", c.signedIn(access.QualityRead, c.rulesShow))
	handle("POST /console/catalog/{id}/rules", c.signedIn(access.CatalogWrite, c.rulesSubmit))
	handle("POST /console/catalog/{id}/rules/defaults", c.signedIn(access.CatalogWrite, c.rulesDefaults))
	handle("GET /console/catalog/{id}/upload", c.signedIn(access.DatasetUpload, c.uploadForm))
	handle("POST /console/catalog/{id}/upload", c.signedInUpload(access.DatasetUpload, c.uploadSubmit))
	handle("GET /console/catalog/{id}/sources", c.signedIn(access.DatasetUpload, c.sourcesShow))
	handle("POST /console/catalog/{id}/sources", c.signedIn(access.DatasetUpload, c.sourceCreate))
	handle("POST /console/catalog/{id}/sources/{source}/delete", c.signedIn(access.DatasetUpload, c.sourceDelete))
	handle("POST /console/catalog/{id}/sources/{source}/pull", c.signedIn(access.DatasetUpload, c.sourcePull))

	handle("GET /console/tickets", c.signedIn(access.TicketRead, c.ticketList))
	handle("GET /console/tickets/{id}", c.signedIn(access.TicketRead, c.ticketShow))
	for _, step := range quality.Steps {
		handle("POST /console/tickets/{id}/"+string(step), c.signedIn(quality.StepAction(step), c.ticketStep(step)))
	}

	handle("GET /console/supply", c.signedIn(access.SupplyRead, c.supplyShow))
	handle("GET /console/supply.xlsx", c.signedIn(access.SupplyRead, c.supplyXLSX))
}

package disclosure

import (
	"fmt"

	"shuyu/internal/product"
)

// dcatContext maps the prefixes the catalog uses (W3C DCAT 3, Dublin Core
// terms, FOAF, schema.org for prices).
var dcatContext = map[string]string{
	"dcat":   "http://www.w3.org/ns/dcat#",
	"dct":    "http://purl.org/dc/terms/",
	"foaf":   "http://xmlns.com/foaf/0.1/",
	"schema": "https://schema.org/",
	"xsd":    "http://www.w3.org/2001/XMLSchema#",
}

type node = map[string]any

func agent(name string) node { return node{"@type": "foaf:Agent", "foaf:name": name} }

func dateTime(s string) node { return node{"@value": s, "@type": "xsd:dateTime"} }

// Catalog is sn as a DCAT-style JSON-LD catalog: a dcat:Catalog with a
// dcat:Dataset per catalog entry in the operation scope and a
// dcat:DataService per published API product, with its cap and price as a
// schema.org offer. Identifiers are paths of the portal, resolved against
// the document's address. publisher names the platform.
func Catalog(sn Snapshot, title, publisher string) node {
	datasets := make([]node, 0, len(sn.Datasets))
	for _, d := range sn.Datasets {
		datasets = append(datasets, node{"@id": "/catalog#" + d.Name, "@type": "dcat:Dataset", "dct:identifier": d.ID,
			"dct:title": d.Title, "dct:description": d.Description, "dct:publisher": agent(d.Provider),
			"dct:accrualPeriodicity": d.Frequency, "dcat:keyword": d.Fields, "dct:modified": dateTime(atomTime(d.Modified)),
			"dcat:landingPage": node{"@id": "/catalog"}})
	}
	services := []node{}
	for _, p := range sn.Products {
		if p.Type != product.API {
			continue
		}
		sv := node{"@id": "/products#" + p.ID, "@type": "dcat:DataService", "dct:identifier": p.ID, "dct:title": p.Name,
			"dct:description": p.Scenario, "dct:publisher": agent(p.Operator),
			"dcat:endpointURL":         node{"@id": "/api/v1/products/" + p.ID + "/call"},
			"dcat:endpointDescription": node{"@id": "/api/v1/products/" + p.ID},
			"dct:modified":             dateTime(atomTime(p.UpdatedAt)), "dcat:landingPage": node{"@id": "/products"}}
		if p.Registration != nil {
			sv["dct:alternative"] = p.Registration.Code
		}
		if p.Price != nil {
			spec := node{"@type": "schema:UnitPriceSpecification", "schema:priceCurrency": "CNY", "schema:unitText": p.Price.Unit,
				"schema:maxPrice": yuan(p.Price.CapFen), "schema:description": p.Price.CapBasis}
			if p.Price.PriceFen != nil {
				spec["schema:price"] = yuan(*p.Price.PriceFen)
			}
			sv["schema:offers"] = node{"@type": "schema:Offer", "schema:priceSpecification": spec}
		}
		services = append(services, sv)
	}
	return node{"@context": dcatContext, "@id": "/feeds/catalog.jsonld", "@type": "dcat:Catalog", "dct:title": title,
		"dct:publisher": agent(publisher), "dct:modified": dateTime(atomTime(sn.Generated)), "dcat:dataset": datasets, "dcat:service": services}
}

// yuan writes fen as a decimal yuan amount: "0.30".
func yuan(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }

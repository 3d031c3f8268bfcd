package disclosure

import (
	"context"
	"encoding/xml"
	"sort"
	"time"

	"shuyu/internal/calendar"
	"shuyu/internal/demand"
	"shuyu/internal/evaluation"
)

// Snapshot is everything the portal discloses, at one moment: the JSON
// feed, and what the Atom feed and the catalog are made from.
type Snapshot struct {
	Generated     time.Time                 `json:"generated"`
	Year          int                       `json:"year"`
	Announcements []Announcement            `json:"announcements"`
	Operators     []Operator                `json:"operators"`
	Datasets      []Dataset                 `json:"datasets"`
	Products      []Product                 `json:"products"`
	Scenarios     []demand.Scenario         `json:"scenarios"`
	Evaluations   []evaluation.PublicResult `json:"evaluations"`
}

// Snapshot gathers the disclosure of now, with this year's prices.
func (s *Service) Snapshot(ctx context.Context) (Snapshot, error) {
	now := s.src.Now().UTC()
	sn := Snapshot{Generated: now, Year: calendar.DateOf(now).Year()}
	var err error
	if sn.Announcements, err = s.Announcements(ctx); err != nil {
		return sn, err
	}
	if sn.Operators, err = s.Operators(ctx); err != nil {
		return sn, err
	}
	if sn.Datasets, err = s.Datasets(ctx); err != nil {
		return sn, err
	}
	if sn.Products, err = s.Products(ctx, sn.Year); err != nil {
		return sn, err
	}
	if sn.Scenarios, err = s.Scenarios(ctx); err != nil {
		return sn, err
	}
	if sn.Evaluations, err = s.Evaluations(ctx, 0); err != nil {
		return sn, err
	}
	return sn, nil
}

// FeedID is the Atom feed's permanent id: it must never change, whatever
// address the portal is served from.
const FeedID = "urn:uuid:6f1d3c2a-5b7e-4c1a-9d2e-8a4b0c6e1f25"

// Atom 1.0 (RFC 4287) elements, as much as the feed uses.
type (
	atomFeed struct {
		XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string      `xml:"id"`
		Title   string      `xml:"title"`
		Updated string      `xml:"updated"`
		Author  atomPerson  `xml:"author"`
		Links   []atomLink  `xml:"link"`
		Entries []atomEntry `xml:"entry"`
	}
	atomPerson struct {
		Name string `xml:"name"`
	}
	atomLink struct {
		Rel  string `xml:"rel,attr,omitempty"`
		Type string `xml:"type,attr,omitempty"`
		Href string `xml:"href,attr"`
	}
	atomCategory struct {
		Term string `xml:"term,attr"`
	}
	atomEntry struct {
		ID       string       `xml:"id"`
		Title    string       `xml:"title"`
		Updated  string       `xml:"updated"`
		Link     atomLink     `xml:"link"`
		Category atomCategory `xml:"category"`
		Summary  string       `xml:"summary"`
	}
)

// FeedText is the wording of the Atom feed, in the reader's language.
type FeedText struct {
	Title, Publisher string
	// Summary words an entry of a kind (announcement, operator, product,
	// scenario, evaluation) from its fields.
	Summary func(kind string, fields ...any) string
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Atom encodes sn as an Atom feed: one entry per announcement, agreement,
// published product, scenario and evaluation result, newest first. Links
// are paths of the portal, resolved against the feed's own address.
func Atom(sn Snapshot, text FeedText) ([]byte, error) {
	var es []atomEntry
	add := func(kind, id, title string, updated time.Time, href, summary string) {
		es = append(es, atomEntry{ID: "urn:uuid:" + id, Title: title, Updated: atomTime(updated), Link: atomLink{Rel: "alternate", Type: "text/html", Href: href},
			Category: atomCategory{Term: kind}, Summary: summary})
	}
	for _, a := range sn.Announcements {
		add("announcement", a.ID, a.Title, a.UpdatedAt, "/announcements/"+a.ID, text.Summary("announcement", a.Unit, a.State, a.Winner))
	}
	for _, o := range sn.Operators {
		at := time.Time{}
		if o.SignedAt != nil {
			at = *o.SignedAt
		}
		if o.EndedAt != nil {
			at = *o.EndedAt
		}
		add("operator", o.AgreementID, o.Operator, at, "/operators#"+o.AgreementID, text.Summary("operator", o.StartsOn, o.EndsOn, o.State))
	}
	for _, p := range sn.Products {
		cap, price := "", ""
		if p.Price != nil {
			cap = fenText(p.Price.CapFen, p.Price.Unit)
			if p.Price.PriceFen != nil {
				price = fenText(*p.Price.PriceFen, p.Price.Unit)
			}
		}
		add("product", p.ID, p.Name, p.UpdatedAt, "/products#"+p.ID, text.Summary("product", p.Operator, cap, price, p.Calls))
	}
	for _, sc := range sn.Scenarios {
		add("scenario", sc.ID, sc.Title, sc.ApprovedAt, "/scenarios#"+sc.ID, text.Summary("scenario", sc.Operator, sc.Scenario))
	}
	for _, e := range sn.Evaluations {
		add("evaluation", e.ID, e.AgreementTitle, e.FinalisedAt, "/evaluations#"+e.ID, text.Summary("evaluation", e.Operator, e.Year, e.Grade))
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].Updated > es[j].Updated })
	updated := atomTime(sn.Generated)
	if len(es) > 0 {
		updated = es[0].Updated
	}
	f := atomFeed{ID: FeedID, Title: text.Title, Updated: updated, Author: atomPerson{Name: text.Publisher}, Entries: es,
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: "/feeds/disclosure.atom"}, {Rel: "alternate", Type: "text/html", Href: "/products"}}}
	out, err := xml.MarshalIndent(f, "", " ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), out...), nil
}

// fenText writes fen as yuan per unit: 0.30 元/次.
func fenText(fen int64, unit string) string {
	return yuan(fen) + " 元/" + unit
}

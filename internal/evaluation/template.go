package evaluation

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// Template is a scoring template: sections of items, each item worth its
// Weight in points (分值) out of 100, and the grade bands of the total.
type Template struct {
	// Version names this text of the template; change it with every change.
	Version string `json:"version"`
	Name    string `json:"name"`
	// Basis says where the criteria come from (articles, the agreement's
	// evaluation criteria).
	Basis    string    `json:"basis,omitempty"`
	Sections []Section `json:"sections"`
	// Bands map a total score to a grade: the first band whose Min the
	// score reaches. Ordered from the highest Min down to a band with Min 0.
	Bands []Band `json:"bands"`
}

// Section groups items on one subject, e.g. 数据使用合规.
type Section struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Items []Item `json:"items"`
}

// Item is one criterion. The operator answers it, a reviewer awards 0 to
// Weight points following Guidance.
type Item struct {
	Key    string  `json:"key"`
	Title  string  `json:"title"`
	Weight float64 `json:"weight"`
	// Guidance tells reviewers how to award the points and the operator
	// what evidence to give.
	Guidance string `json:"guidance"`
}

// Band is a grade and the lowest total score that earns it.
type Band struct {
	Grade string  `json:"grade"`
	Min   float64 `json:"min"`
}

// ParseTemplate reads a template from JSON and checks it. Unknown fields
// are refused, so a misspelt key is not silently ignored.
func ParseTemplate(data []byte) (*Template, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var t Template
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("evaluation template: %w", err)
	}
	if err := t.check(); err != nil {
		return nil, fmt.Errorf("evaluation template %q: %w", t.Version, err)
	}
	return &t, nil
}

// check returns the first problem of t, saying where it is.
func (t *Template) check() error {
	if strings.TrimSpace(t.Version) == "" || utf8.RuneCountInString(t.Version) > 40 {
		return fmt.Errorf("version: required, at most 40 characters")
	}
	if strings.TrimSpace(t.Name) == "" {
		return fmt.Errorf("name: required")
	}
	if len(t.Sections) == 0 {
		return fmt.Errorf("sections: at least one")
	}
	keys, total := map[string]bool{}, 0.0
	for i, s := range t.Sections {
		if s.Key == "" || s.Title == "" || len(s.Items) == 0 {
			return fmt.Errorf("sections[%d]: key, title and at least one item are required", i)
		}
		for j, it := range s.Items {
			where := fmt.Sprintf("sections[%d].items[%d]", i, j)
			switch {
			case it.Key == "" || !validKey(it.Key):
				return fmt.Errorf("%s.key: %q: use lower-case letters, digits and _", where, it.Key)
			case keys[it.Key]:
				return fmt.Errorf("%s.key: %q appears twice; item keys are unique in a template", where, it.Key)
			case it.Title == "" || it.Guidance == "":
				return fmt.Errorf("%s (%s): title and guidance are required", where, it.Key)
			case !(it.Weight > 0) || math.IsInf(it.Weight, 0):
				return fmt.Errorf("%s (%s): weight %v: give the points the item is worth, more than 0", where, it.Key, it.Weight)
			}
			keys[it.Key] = true
			total += it.Weight
		}
	}
	if math.Abs(total-100) > 1e-9 {
		return fmt.Errorf("the weights of all items add up to %v; they must add up to 100", total)
	}
	if len(t.Bands) == 0 {
		return fmt.Errorf("bands: at least one, the last with min 0")
	}
	for i, b := range t.Bands {
		switch {
		case b.Grade == "":
			return fmt.Errorf("bands[%d]: grade is required", i)
		case b.Min < 0 || b.Min > 100:
			return fmt.Errorf("bands[%d] (%s): min %v is outside 0–100", i, b.Grade, b.Min)
		case i > 0 && b.Min >= t.Bands[i-1].Min:
			return fmt.Errorf("bands[%d] (%s): min %v must be below the previous band's %v (order bands from the highest)", i, b.Grade, b.Min, t.Bands[i-1].Min)
		}
	}
	if last := t.Bands[len(t.Bands)-1]; last.Min != 0 {
		return fmt.Errorf("bands: the last band (%s) must have min 0, so that every score has a grade", last.Grade)
	}
	return nil
}

func validKey(k string) bool {
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return len(k) <= 40
}

// item returns the item with key.
func (t *Template) item(key string) (Item, bool) {
	for _, s := range t.Sections {
		for _, it := range s.Items {
			if it.Key == key {
				return it, true
			}
		}
	}
	return Item{}, false
}

// keys lists the item keys in template order.
func (t *Template) keys() []string {
	var out []string
	for _, s := range t.Sections {
		for _, it := range s.Items {
			out = append(out, it.Key)
		}
	}
	return out
}

// Total adds the points awarded per item key, rounded to two decimals as
// people read it, and returns it with its grade. Items missing from points
// count as 0.
func (t *Template) Total(points map[string]float64) (float64, string) {
	sum := 0.0
	for _, k := range t.keys() {
		sum += points[k]
	}
	total := math.Round(sum*100) / 100
	// The grade follows the rounded total, so that the grade people see
	// matches the score they see.
	return total, t.Grade(total)
}

// Grade returns the grade of a total score.
func (t *Template) Grade(total float64) string {
	for _, b := range t.Bands {
		if total >= b.Min {
			return b.Grade
		}
	}
	return t.Bands[len(t.Bands)-1].Grade
}

// sha returns the SHA-256 of the template as stored, to recognise a
// changed text under an unchanged version.
func (t *Template) sha() (string, []byte) {
	body, _ := json.Marshal(t)
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:]), body
}

package catalog

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"slices"
)

// Grade is one level of the grading scheme (GB/T 43697-2024: core, important
// and general data, the general level split into sensitivity levels).
type Grade struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
	// Rank orders grades: higher is more sensitive.
	Rank int `json:"rank"`
}

// Class is a node of the classification tree; leaves suggest a grade.
type Class struct {
	Code     string  `json:"code"`
	Name     string  `json:"name"`
	NameEN   string  `json:"name_en"`
	Grade    string  `json:"grade,omitempty"`
	Children []Class `json:"children,omitempty"`
}

// Scheme is the classification tree and grading scheme a deployment uses.
type Scheme struct {
	Grades  []Grade `json:"grades"`
	Classes []Class `json:"classes"`
	grades  map[string]Grade
	classes map[string]Class
}

// Core and Important are the two grades the regulation names; a scheme must
// have both.
const (
	Core      = "core"
	Important = "important"
)

//go:embed scheme.json
var defaultScheme []byte

// DefaultScheme returns the built-in scheme.
func DefaultScheme() *Scheme {
	s, err := ParseScheme(defaultScheme)
	if err != nil {
		panic(err) // the embedded file is guarded by a test
	}
	return s
}

// LoadScheme reads a scheme file that replaces the built-in one.
func LoadScheme(path string) (*Scheme, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("catalog scheme: %w", err)
	}
	s, err := ParseScheme(data)
	if err != nil {
		return nil, fmt.Errorf("catalog scheme %s: %w", path, err)
	}
	return s, nil
}

// ParseScheme reads a scheme from JSON and checks it.
func ParseScheme(data []byte) (*Scheme, error) {
	var s Scheme
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	s.grades, s.classes = map[string]Grade{}, map[string]Class{}
	for _, g := range s.Grades {
		if g.Code == "" || g.Name == "" {
			return nil, fmt.Errorf("a grade needs a code and a name: %+v", g)
		}
		if _, dup := s.grades[g.Code]; dup {
			return nil, fmt.Errorf("grade %q twice", g.Code)
		}
		s.grades[g.Code] = g
	}
	for _, need := range []string{Core, Important} {
		if _, ok := s.grades[need]; !ok {
			return nil, fmt.Errorf("the scheme lacks the grade %q", need)
		}
	}
	if s.grades[Core].Rank <= s.grades[Important].Rank {
		return nil, fmt.Errorf("core must rank above important")
	}
	var walk func(cs []Class) error
	walk = func(cs []Class) error {
		for _, c := range cs {
			if c.Code == "" || c.Name == "" {
				return fmt.Errorf("a class needs a code and a name: %+v", c)
			}
			if _, dup := s.classes[c.Code]; dup {
				return fmt.Errorf("class %q twice", c.Code)
			}
			if _, ok := s.grades[c.Grade]; c.Grade != "" && !ok {
				return fmt.Errorf("class %q suggests unknown grade %q", c.Code, c.Grade)
			}
			s.classes[c.Code] = c
			if err := walk(c.Children); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(s.Classes); err != nil {
		return nil, err
	}
	slices.SortFunc(s.Grades, func(a, b Grade) int { return b.Rank - a.Rank })
	return &s, nil
}

// Grade returns the grade with code.
func (s *Scheme) Grade(code string) (Grade, bool) { g, ok := s.grades[code]; return g, ok }

// Class returns the class with code.
func (s *Scheme) Class(code string) (Class, bool) { c, ok := s.classes[code]; return c, ok }

// Highest returns the most sensitive of the codes, "" for none.
func (s *Scheme) Highest(codes ...string) string {
	best := ""
	for _, c := range codes {
		if best == "" || s.grades[c].Rank > s.grades[best].Rank {
			best = c
		}
	}
	return best
}

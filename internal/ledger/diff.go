package ledger

import (
	"encoding/json"
	"reflect"
)

// Diff returns, for an entry's detail, the JSON fields that differ between
// two values of the same type, each as [before, after]. Fields tagged
// json:"-" and the times of the change itself (updated_at) are left out.
func Diff(before, after any) map[string][2]any {
	b, a := asMap(before), asMap(after)
	out := map[string][2]any{}
	for k, av := range a {
		if k == "updated_at" {
			continue
		}
		if bv := b[k]; !reflect.DeepEqual(av, bv) {
			out[k] = [2]any{bv, av}
		}
	}
	for k, bv := range b {
		if _, ok := a[k]; !ok {
			out[k] = [2]any{bv, nil}
		}
	}
	return out
}

func asMap(v any) map[string]any {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

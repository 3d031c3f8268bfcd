package ledger

import (
	"path/filepath"
	"sync"
	"testing"
)

// TestLoadOrCreateKeyRace starts several processes' worth of callers on one
// missing key file at once: one creates it, and all end up with that key.
func TestLoadOrCreateKeyRace(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "keys", "ledger.pem")
	const callers = 8
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		ids     = map[string]bool{}
		created int
	)
	for range callers {
		wg.Go(func() {
			k, made, err := LoadOrCreateKey(path, SuiteEd25519)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
				return
			}
			ids[k.ID] = true
			if made {
				created++
			}
		})
	}
	wg.Wait()
	if len(ids) != 1 || created != 1 {
		t.Errorf("%d distinct keys, %d created; want one key, created once", len(ids), created)
	}
}

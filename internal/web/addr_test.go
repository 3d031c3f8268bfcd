package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddr(t *testing.T) {
	t.Parallel()
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, tc := range []struct {
		name, remote, xff string
		trusted           []netip.Prefix
		want              string
	}{
		{"direct client", "203.0.113.7:5000", "", proxies, "203.0.113.7"},
		{"forged header from an untrusted peer is ignored", "203.0.113.7:5000", "1.2.3.4", proxies, "203.0.113.7"},
		{"trusted proxy: the client it saw", "10.0.0.2:5000", "198.51.100.9", proxies, "198.51.100.9"},
		{"trusted proxy: a forged first hop is not believed", "10.0.0.2:5000", "1.2.3.4, 198.51.100.9", proxies, "198.51.100.9"},
		{"chain of trusted proxies", "10.0.0.2:5000", "198.51.100.9, 10.0.0.5", proxies, "198.51.100.9"},
		{"garbage in the header stops the walk", "10.0.0.2:5000", "nonsense", proxies, "10.0.0.2"},
		{"no proxies configured", "10.0.0.2:5000", "198.51.100.9", nil, "10.0.0.2"},
		{"IPv4-mapped IPv6", "[::ffff:203.0.113.7]:5000", "", proxies, "203.0.113.7"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := clientAddr(r, tc.trusted); got != tc.want {
			t.Errorf("%s: clientAddr = %q, want %q", tc.name, got, tc.want)
		}
	}
}

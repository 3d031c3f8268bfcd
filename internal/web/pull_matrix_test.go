package web_test

// Scheduled pulls are managed by those who may add an entry's versions: the
// platform administrator and the provider's commissioner. The source named
// in paths does not exist, so the allowed callers get 404 after the access
// check, and the body names a loopback database, which is refused before
// any connection.
func init() {
	uploaders := []string{"admin", "provider-hrss"}
	addToMatrix(map[string]expect{
		"GET /api/v1/datasets/{id}/sources": {allowed: uploaders},
		"POST /api/v1/datasets/{id}/sources": {allowed: uploaders, body: func(int64) any {
			return map[string]string{"driver": "postgres", "dsn": "postgres://reader@127.0.0.1:5432/hr?sslmode=disable", "table": "insured", "interval": "24h"}
		}},
		"DELETE /api/v1/datasets/{id}/sources/{source}":    {allowed: uploaders},
		"POST /api/v1/datasets/{id}/sources/{source}/pull": {allowed: uploaders},
	})
}

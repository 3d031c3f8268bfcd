package sandbox

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// BenchmarkSandboxAggregate runs a typical grouped aggregate through the
// whole pipeline and, in the same run, the same query on raw DuckDB over
// the same Parquet file with the same threads, and reports their ratio
// (overhead-ratio, goal ≤ 1.2) and the time to parse, analyze, rewrite and
// render the query (analyze-ns/op as the median, goal < 2 ms). With
// SHUYU_TEST_POSTGRES it also loads the rows into PostgreSQL and runs the
// query there (postgres-ratio: the pipeline's time over PostgreSQL's), and
// through the pipeline on the PostgreSQL engine (pg-engine-ratio: that
// time over PostgreSQL's for the raw query). Rows come from
// SHUYU_BENCH_ROWS (default 1,000,000; the typical size is 10,000,000,
// where the pipeline's fixed costs, some 5 ms of parsing, rendering and
// statements over the groups, weigh a tenth as much, and what remains is
// the count of each group's rows of people with several rows, which bound
// its units: see rewrite.go, repeats). The runs alternate, so
// that the load of the machine weighs on each alike; cpu-ratio compares the
// CPU time the process used (DuckDB's threads included), which waiting for
// a busy machine's cores does not inflate.
func BenchmarkSandboxAggregate(b *testing.B) {
	rows := 1_000_000
	if s := os.Getenv("SHUYU_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1000 {
			b.Fatalf("SHUYU_BENCH_ROWS=%q is not a number of rows", s)
		}
		rows = n
	}
	dir := b.TempDir()
	files := map[string]string{}
	if err := writeDatasets(dir, float64(rows)/200_000, files); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	sb, err := Open(ctx, Config{Dir: filepath.Join(dir, "domain")})
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close()
	w := &world{dir: dir, sb: sb, files: files}
	g := w.aggregateGrant()
	g.Datasets = g.Datasets[:1]
	g.Limits = Limits{QueriesPerHour: 1 << 30, EngineTimePerHour: 1 << 50, Threads: 2, Memory: "2GB"}
	const q = `SELECT district, gender, count(*) AS n, avg(monthly_base_yuan) AS avg_base FROM social_insurance GROUP BY district, gender ORDER BY district, gender`

	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		b.Fatal(err)
	}
	raw := sql.OpenDB(connector)
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	if _, err := raw.Exec("SET threads = 2"); err != nil {
		b.Fatal(err)
	}
	rawQ := `SELECT district, gender, count(*) AS n, avg(monthly_base_yuan) AS avg_base FROM read_parquet(` + quote(files["social_insurance"]) +
		`) GROUP BY district, gender ORDER BY district, gender`
	runRaw := func() {
		rs, err := raw.Query(rawQ)
		if err != nil {
			b.Fatal(err)
		}
		for rs.Next() {
			var d, gd string
			var n int64
			var avg float64
			rs.Scan(&d, &gd, &n, &avg)
		}
		rs.Close()
	}
	runPG, runPGEngine := benchPostgres(b, w, raw, g, q)
	// warm all: the version's preparation and the caches
	if _, err := sb.Query(ctx, g, Request{SQL: q}); err != nil {
		b.Fatal(err)
	}
	runRaw()
	if runPG != nil {
		runPG()
		runPGEngine()
	}

	var pipeline, direct, pg, pgEngine, pipelineCPU, directCPU time.Duration
	b.ResetTimer()
	for b.Loop() {
		c0, t0 := cpuTime(), time.Now()
		if _, err := sb.Query(ctx, g, Request{SQL: q}); err != nil {
			b.Fatal(err)
		}
		c1, t1 := cpuTime(), time.Now()
		runRaw()
		c2, t2 := cpuTime(), time.Now()
		pipelineCPU += c1 - c0
		directCPU += c2 - c1
		pipeline += t1.Sub(t0)
		direct += t2.Sub(t1)
		if runPG != nil {
			runPG()
			t3 := time.Now()
			runPGEngine()
			pg += t3.Sub(t2)
			pgEngine += time.Since(t3)
		}
	}
	b.StopTimer()
	var analyze []time.Duration
	for range 200 {
		t0 := time.Now()
		if _, err := sb.Analyze(ctx, g, Request{SQL: q}); err != nil {
			b.Fatal(err)
		}
		analyze = append(analyze, time.Since(t0))
	}
	slices.Sort(analyze)
	b.ReportMetric(float64(pipeline)/float64(direct), "overhead-ratio")
	b.ReportMetric(float64(pipelineCPU)/float64(directCPU), "cpu-ratio")
	b.ReportMetric(float64(pipeline.Milliseconds())/float64(b.N), "pipeline-ms/op")
	b.ReportMetric(float64(direct.Milliseconds())/float64(b.N), "raw-ms/op")
	b.ReportMetric(float64(analyze[len(analyze)/2]), "analyze-ns/op")
	if runPG != nil {
		b.ReportMetric(float64(pipeline)/float64(pg), "postgres-ratio")
		b.ReportMetric(float64(pg.Milliseconds())/float64(b.N), "postgres-ms/op")
		b.ReportMetric(float64(pgEngine)/float64(pg), "pg-engine-ratio")
		b.ReportMetric(float64(pgEngine.Milliseconds())/float64(b.N), "pg-engine-ms/op")
	}
	b.ReportMetric(float64(rows), "rows")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

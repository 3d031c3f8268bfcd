package main

import (
	"os"
	"os/exec"
	"syscall"
	"testing"

	"shuyu/internal/store"
)

// BenchmarkIngestPeakRSS runs shuyu ingest as its own process on a CSV of
// 3,000,000 rows (about 265 MB), twice the engine's memory limit of
// 128 MiB, and reports the process's peak resident memory, engine included:
// the file streams to disk and the engine spills beyond its limit, so the
// figure stays bounded whatever the file's size.
func BenchmarkIngestPeakRSS(b *testing.B) {
	bin := binary(b)
	args := seeded(b, store.SQLite)
	src := demoFile(b, 15)
	st, err := os.Stat(src)
	if err != nil {
		b.Fatal(err)
	}
	var peak int64
	for b.Loop() {
		cmd := exec.Command(bin, append(clone(args), "ingest", "--dataset", "social_insurance", "--engine-memory", "128MiB", src)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("ingest: %v\n%s", err, out)
		}
		peak = max(peak, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss<<10)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
	b.ReportMetric(float64(st.Size())/(1<<20), "file-MiB")
}

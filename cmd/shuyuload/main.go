// Command shuyuload is the gateway's load test from a separate process: N
// clients with keep-alive connections call the demo product
// 企业纳税信用等级核验 over loopback HTTP for D seconds, through the whole
// gateway (key authentication, subscription, product and agreement
// checks, rate limit, quota, index, batched meter and ledger), and the same
// clients then call a bare net/http server, also a separate process,
// answering the same JSON: it reports calls/s, p50 and p99 latency and
// errors of both, and their ratio.
//
// By default it seeds a fresh demo in a temporary directory with the shuyu
// binary given by --shuyu and serves it; --target points it at a running
// demo server instead (with --password, the demo accounts' password).
// The demo's subscription allows 100,000 calls a month: the calls beyond
// it are refused (403, "quota") and counted as errors, as they should be;
// keep warm-up plus duration times the rate below that.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"
)

type config struct {
	shuyu, target, password, db string
	clients                     int
	duration, warmup            time.Duration
	rate                        float64
	bare                        string
}

func main() {
	var c config
	flag.StringVar(&c.shuyu, "shuyu", "shuyu", "the shuyu binary that seeds and serves the demo (unless --target)")
	flag.StringVar(&c.db, "db", "", "PostgreSQL URL for the server it starts (empty: SQLite in the temporary directory)")
	flag.StringVar(&c.target, "target", "", "URL of a running shuyu demo to load instead of starting one, e.g. http://127.0.0.1:8080")
	flag.StringVar(&c.password, "password", "", "the demo accounts' password (with --target)")
	flag.IntVar(&c.clients, "clients", 16, "concurrent clients, each with its own connection and API key")
	flag.DurationVar(&c.duration, "duration", 5*time.Second, "how long each of the two runs measures")
	flag.DurationVar(&c.warmup, "warmup", time.Second, "calls before each run that are not measured")
	flag.Float64Var(&c.rate, "calls-per-second", 2000, "each API key's rate limit in the server it starts (shuyu serve --calls-per-second)")
	flag.StringVar(&c.bare, "serve-bare", "", "internal: serve this JSON as the bare baseline and print the address")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	if c.bare != "" {
		err = serveBare(ctx, c.bare, os.Stdout)
	} else {
		err = c.validate()
		if err == nil {
			err = run(ctx, c, os.Stdout)
		}
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "shuyuload:", err)
		os.Exit(1)
	}
}

func (c config) validate() error {
	switch {
	case c.clients < 1 || c.clients > 1000:
		return fmt.Errorf("--clients %d: between 1 and 1000", c.clients)
	case c.duration < time.Second:
		return fmt.Errorf("--duration %s: at least 1s", c.duration)
	case c.warmup < 0:
		return fmt.Errorf("--warmup %s: 0 or more", c.warmup)
	case c.target != "" && c.password == "":
		return errors.New("--target needs --password, the demo accounts' password, to create the clients' API keys")
	case c.target == "" && !(c.rate > 0):
		return fmt.Errorf("--calls-per-second %g: above 0", c.rate)
	}
	return nil
}

// run loads the gateway, then the bare baseline, and prints the figures.
func run(ctx context.Context, c config, w io.Writer) error {
	target, password, pid := c.target, c.password, 0
	if target == "" {
		srv, err := startShuyu(ctx, c)
		if err != nil {
			return err
		}
		defer srv.stop()
		target, password, pid = srv.url, srv.password, srv.cmd.Process.Pid
	}
	d, err := prepare(ctx, target, password, c.clients)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "product %s at %s, %d clients, %s each run after %s of warm-up\n", d.product, target, c.clients, c.duration, c.warmup)
	gw := load(ctx, d.url, d.keys, d.body, c.warmup, c.duration, pid)
	fmt.Fprintln(w, gw.line("gateway"))
	bare, err := startBare(ctx, d.answer)
	if err != nil {
		return err
	}
	defer bare.stop()
	base := load(ctx, bare.url, d.keys, d.body, c.warmup, c.duration, bare.cmd.Process.Pid)
	fmt.Fprintln(w, base.line("bare"))
	fmt.Fprintf(w, "ratio-vs-bare %.2f", gw.rate()/base.rate())
	if gw.cpu > 0 && base.cpu > 0 {
		fmt.Fprintf(w, " (server CPU per call: %.1f× the bare server's)", gw.cpuPerCall()/base.cpuPerCall())
	}
	fmt.Fprintln(w)
	return ctx.Err()
}

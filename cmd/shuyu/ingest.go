package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"shuyu/internal/access"
	"shuyu/internal/app"
	"shuyu/internal/domain"
	"shuyu/internal/errs"
	"shuyu/internal/ingest"
)

func ingestCommand(o *options) *cobra.Command {
	var dataset, format, encoding, as string
	cmd := &cobra.Command{
		Use:   "ingest --dataset NAME FILE",
		Short: "Store a data file as the next version of a catalog entry",
		Long: `Store a CSV, XLSX or Parquet file as the next version of a catalog entry, the way an
upload through the API does: every value is checked against the entry's declared field
types, and the file is kept only if all of them fit. A refused or interrupted ingest
leaves the current version as it was. FILE "-" reads standard input.

The format is detected from the content (or the name) unless --format says it; the
encoding of a CSV file is UTF-8 (with or without a byte-order mark) when the whole file
is valid UTF-8, else GB18030 (which covers GBK), unless --encoding says it.

It acts as the platform administrator, or with --as as a named user (a provider's
data commissioner), and prints the new version and what the sensitive-field detector
suggests (suggestions are never applied by themselves).`,
		Example: `  shuyu ingest --dataset social_insurance 社保参保_2026-11.csv
  shuyu ingest --dataset tax_credit --encoding gbk 纳税信用等级.csv
  shuyu ingest --dataset enterprise_registry --as provider-amr --format xlsx 企业登记.xlsx
  psql -c "\copy insured TO STDOUT CSV HEADER" | shuyu ingest --dataset social_insurance -`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, total, err := openSource(args[0])
			if err != nil {
				return err
			}
			defer in.Close()
			return withApp(cmd, o, func(ctx context.Context, a *app.App) error {
				p := app.Admin()
				if as != "" {
					if p, err = a.Identity.PrincipalOf(ctx, as); err != nil {
						return fmt.Errorf("--as %s: %w", as, err)
					}
				}
				return runIngest(ctx, cmd, a, p, ingest.Upload{Dataset: dataset, Body: in, Filename: args[0], Format: format, Encoding: encoding}, total)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&dataset, "dataset", "", "catalog entry: its name (e.g. social_insurance) or ID")
	f.StringVar(&format, "format", "", "csv, xlsx or parquet (default: detected)")
	f.StringVar(&encoding, "encoding", "", "of a CSV file: utf-8, gbk or gb18030 (default: detected)")
	f.StringVar(&as, "as", "", "act as this user (default: the platform administrator)")
	cmd.MarkFlagRequired("dataset")
	domainFlags(f, o)
	return cmd
}

// openSource opens FILE, or standard input for "-", with its size (-1 when
// unknown) for the progress bar.
func openSource(name string) (io.ReadCloser, int64, error) {
	if name == "-" {
		return io.NopCloser(os.Stdin), -1, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return f, -1, nil
	}
	return f, st.Size(), nil
}

// runIngest uploads with a progress bar on standard error and prints the
// result, or the problems found, for a person at a terminal.
func runIngest(ctx context.Context, cmd *cobra.Command, a *app.App, p access.Principal, u ingest.Upload, total int64) error {
	stderr := cmd.ErrOrStderr()
	bar := progressbar.NewOptions64(total, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("reading "+filepath.Base(u.Filename)),
		progressbar.OptionShowBytes(true), progressbar.OptionUseIECUnits(true), progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionOnCompletion(func() { fmt.Fprintln(stderr) }))
	read := false // the bar is done once a step after reading begins
	u.Progress = func(n int64) { bar.Set64(n) }
	u.Step = func(step string) {
		if !read {
			read = true
			bar.Finish()
		}
		fmt.Fprintln(stderr, step+" …")
	}
	start := time.Now()
	res, err := a.Ingest.Upload(ctx, p, u)
	if err != nil {
		if !read {
			bar.Exit()
			fmt.Fprintln(stderr)
		}
		printProblems(stderr, err)
		return err
	}
	out := cmd.OutOrStdout()
	v := res.Version
	fmt.Fprintf(out, "stored version %d of %s in %s: %s rows, %s as Parquet, sha256 %s\n", v.Seq, u.Dataset,
		time.Since(start).Round(time.Millisecond), humanize.Comma(v.Rows), humanize.IBytes(uint64(v.Bytes)), v.SHA256)
	fmt.Fprintf(out, "  version %s from %s %s, %s, sha256 %s\n", v.ID, v.SourceFormat, v.SourceEncoding, humanize.IBytes(uint64(v.SourceBytes)), v.SourceSHA256)
	if len(res.Suggestions) == 0 {
		fmt.Fprintln(out, "the sensitive-field detector suggests nothing new")
		return nil
	}
	fmt.Fprintln(out, "the sensitive-field detector suggests (the entry's commissioner decides; nothing was changed):")
	for _, s := range res.Suggestions {
		fmt.Fprintf(out, "  %-24s %-12s classification %s, grade %s (%.0f%% of %d sampled values)\n", s.Field, s.Detector, s.Classification, s.Grade, s.Share*100, s.Sampled)
	}
	return nil
}

// printProblems lists the values a refused file got wrong.
func printProblems(w io.Writer, err error) {
	e, ok := errors.AsType[*errs.Error](err)
	if !ok {
		return
	}
	details, _ := e.Details.(map[string]any)
	problems, _ := details["problems"].([]domain.Problem)
	for _, p := range problems {
		switch {
		case p.Column == "":
			fmt.Fprintf(w, "  line %d: %s\n", p.Line, p.Reason)
		case p.Value == "":
			fmt.Fprintf(w, "  line %d, column %s: %s\n", p.Line, p.Column, p.Reason)
		default:
			fmt.Fprintf(w, "  line %d, column %s, value %q: %s\n", p.Line, p.Column, p.Value, p.Reason)
		}
	}
}

package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"shuyu/internal/app"
	"shuyu/internal/ledger"
)

func ledgerCommand(o *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ledger",
		Short: "Verify and maintain the tamper-evident ledger",
	}
	cmd.AddCommand(verifyCommand(o), pruneCommand(o))
	return cmd
}

func verifyCommand(o *options) *cobra.Command {
	var (
		publicKey string
		witnesses []string
	)
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Recompute the whole ledger and check it against its signatures",
		Long: `Recompute every entry's hash, the Merkle tree and every signed checkpoint, offline.
Exits 0 when the ledger is intact; otherwise exits 2 naming the first bad index
(an entry edited, deleted, inserted or moved directly in the database).

With the private key (DATA/ledger-key.pem, or --ledger-key) it also checks each
entry's MAC; with --public-key alone it checks hashes and signatures.

The database alone cannot show that it was restored from an old copy. Save the
checkpoint from time to time (curl …/api/v1/ledger/checkpoint > cp.json) and give
it with --witness: the log must still contain every witnessed checkpoint.`,
		Example: "  shuyu ledger verify --data ./shuyu-data\n  shuyu ledger verify --db postgres://… --ledger-key /etc/shuyu/ledger-key.pem",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := o.config()
			if err != nil {
				return err
			}
			start := time.Now()
			rep, err := app.VerifyLedger(cmd.Context(), cfg, publicKey, witnesses, func(done, total int64) {
				fmt.Fprintf(cmd.ErrOrStderr(), "\rverified %d of %d entries", done, total)
			})
			fmt.Fprintln(cmd.ErrOrStderr())
			var f *ledger.Failure
			if errors.As(err, &f) {
				fmt.Fprintf(cmd.OutOrStdout(), "ledger verify: FAILED: %s\n", f.Error())
				return exitError(2)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "ledger verify: OK: %d entries (%d pruned), %d checkpoints and %d witnesses matched, root %s, %s key %s, MACs checked: %v, in %s\n",
				rep.Size, rep.Pruned, rep.Checkpoints, rep.Witnessed, base64.StdEncoding.EncodeToString(rep.Root), rep.Suite, rep.KeyID, rep.MACs,
				time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().StringVar(&publicKey, "public-key", "", "PEM public key file: verify without the private key (no MAC checks)")
	cmd.Flags().StringArrayVar(&witnesses, "witness", nil, "a checkpoint saved earlier from GET /api/v1/ledger/checkpoint (JSON); the log must still contain it, which catches a rollback or a rewrite (repeatable)")
	return cmd
}

func pruneCommand(o *options) *cobra.Command {
	var before string
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Remove ledger entries older than a date, outside the retention period",
		Long: `Remove the oldest ledger entries recorded before --before. Entries younger than the
retention period (180 days at least) are never removed. What remains still verifies.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cutoff, err := time.Parse(time.DateOnly, before)
			if err != nil {
				return fmt.Errorf("--before %q: want YYYY-MM-DD", before)
			}
			return withApp(cmd, o, func(ctx context.Context, a *app.App) error {
				n, err := a.PruneLedger(ctx, cutoff)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "pruned %d entries recorded before %s\n", n, before)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&before, "before", "", "remove entries recorded before this date (YYYY-MM-DD)")
	cmd.MarkFlagRequired("before")
	cmd.Flags().DurationVar(&o.retention, "retention", 180*24*time.Hour, "the retention period (180 days or more)")
	return cmd
}

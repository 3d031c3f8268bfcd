package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"shuyu/internal/app"
	"shuyu/internal/demo"
	"shuyu/internal/identity"
)

func serveCommand(o *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the platform",
		Long: `Run the platform: migrate the database, then serve the API, the console and the portal
until SIGTERM or Ctrl-C, finishing requests in flight before exiting.

It refuses to listen beyond this machine while any account still has a demo password.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withApp(cmd, o, func(ctx context.Context, a *app.App) error {
				return a.Serve(ctx, func(addr string) {
					fmt.Fprintf(cmd.OutOrStdout(), "shuyu is serving at http://%s/\n", addr)
				})
			})
		},
	}
	serveFlags(cmd.Flags(), o)
	return cmd
}

func demoCommand(o *options) *cobra.Command {
	var (
		password  string
		seedOnly  bool
		rowsScale float64
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Seed the Weifang demo and run the platform",
		Long: `Create or reuse the data directory, seed the demo city of Weifang (the city, its twelve
county-level divisions, one organization of each kind and a user per role), print the
logins and serve. Every demo account gets the password given by --password, or a random
one that is printed; accounts whose owners changed their password keep it.`,
		Example: "  shuyu demo\n  shuyu demo --data /tmp/shuyu --password 'Weifang-Demo-2026'",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if password == "" {
				password = identity.RandomPassword()
			}
			return withApp(cmd, o, func(ctx context.Context, a *app.App) error {
				res, err := a.SeedDemo(ctx, password, rowsScale)
				if err != nil {
					return err
				}
				if seedOnly {
					printLogins(cmd.OutOrStdout(), "", res, password)
					return nil
				}
				return a.Serve(ctx, func(addr string) {
					printLogins(cmd.OutOrStdout(), "http://"+addr+"/", res, password)
				})
			})
		},
	}
	serveFlags(cmd.Flags(), o)
	cmd.Flags().StringVar(&password, "password", "", "password for every demo account (default: a random one, printed)")
	cmd.Flags().BoolVar(&seedOnly, "seed-only", false, "seed and exit without serving")
	cmd.Flags().Float64Var(&rowsScale, "rows-scale", 1, "multiply the demo datasets' sizes (200,000 insured people, 50,000 enterprises)")
	return cmd
}

func printLogins(w io.Writer, url string, res demo.Result, password string) {
	if url != "" {
		fmt.Fprintf(w, "\nshuyu 数域 demo is running at %s\n", url)
		fmt.Fprintf(w, "API: %sapi/v1/openapi.json   health: %shealthz\n\n", url, url)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "username\tpassword\troles\torganization")
	kept := map[string]bool{}
	for _, k := range res.Kept {
		kept[k] = true
	}
	for _, a := range res.Accounts {
		pw := password
		if kept[a.Username] {
			pw = "(changed by its owner)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Username, pw, joinRoles(a.Roles), a.Org)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nThe demo listens on this machine only. Ctrl-C stops it; run the command again to reuse the data.")
}

func migrateCommand(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply database migrations and exit",
		Long:  "Apply every pending migration to the database (serve and demo also do this on start).",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withApp(cmd, o, func(_ context.Context, a *app.App) error {
				_, err := fmt.Fprintln(cmd.OutOrStdout(), "database is up to date:", a.DB)
				return err
			})
		},
	}
}

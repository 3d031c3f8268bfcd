package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"shuyu/internal/access"
	"shuyu/internal/app"
	"shuyu/internal/identity"
	"shuyu/internal/store"
)

// withApp opens the app for an administration command and closes it after.
func withApp(cmd *cobra.Command, o *options, fn func(ctx context.Context, a *app.App) error) error {
	cfg, err := o.config()
	if err != nil {
		return err
	}
	a, err := app.Open(cmd.Context(), cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(cmd.Context(), a)
}

// password returns the --password flag, else SHUYU_PASSWORD, else a random
// password that is printed once.
func password(cmd *cobra.Command, flag string) (string, bool) {
	if flag != "" {
		return flag, false
	}
	if env := os.Getenv("SHUYU_PASSWORD"); env != "" {
		return env, false
	}
	return identity.RandomPassword(), true
}

func userCommand(o *options) *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Administer users (as the platform administrator)"}
	cmd.AddCommand(userListCommand(o), userAddCommand(o), userPasswdCommand(o), userSetCommand(o))
	return cmd
}

func userListCommand(o *options) *cobra.Command {
	var org string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the users of an organization",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withApp(cmd, o, func(ctx context.Context, a *app.App) error {
				ot, err := a.Identity.FindOrg(ctx, app.Admin(), org)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "username\tname\troles\ttraining\tNDA\tdisabled\tid")
				for pg := store.NewPage(store.MaxPageSize, ""); ; {
					users, next, err := a.Identity.Users(ctx, app.Admin(), ot.ID, pg)
					if err != nil {
						return err
					}
					for _, u := range users {
						fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\t%v\t%s\n", u.Username, u.DisplayName, u.Roles, dash(u.TrainingDate), dash(u.NDADate), u.Disabled, u.ID)
					}
					if next == "" {
						break
					}
					pg.After = next
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "organization ID or name")
	cmd.MarkFlagRequired("org")
	return cmd
}

func userAddCommand(o *options) *cobra.Command {
	var org, username, name, roles, pw, training, nda string
	cmd := &cobra.Command{
		Use:     "add",
		Short:   "Add a user to an organization",
		Example: "  shuyu user add --org 潍坊市大数据局 --username zhang --name 张三 --roles officer,reviewer",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withApp(cmd, o, func(ctx context.Context, a *app.App) error {
				ot, err := a.Identity.FindOrg(ctx, app.Admin(), org)
				if err != nil {
					return err
				}
				secret, generated := password(cmd, pw)
				rs := parseRoles(roles)
				in := identity.UserInput{OrgID: &ot.ID, Username: &username, Password: &secret, Roles: &rs, TrainingDate: &training, NDADate: &nda}
				if name != "" {
					in.DisplayName = &name
				}
				u, err := a.Identity.CreateUser(ctx, app.Admin(), in)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "added %s (%s) to %s with roles %v\n", u.Username, u.ID, ot.Name, u.Roles)
				if generated {
					fmt.Fprintf(cmd.OutOrStdout(), "password: %s\n", secret)
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&org, "org", "", "organization ID or name")
	f.StringVar(&username, "username", "", "login name: lower-case letters, digits, '.', '_', '-'")
	f.StringVar(&name, "name", "", "display name")
	f.StringVar(&roles, "roles", "", "comma-separated roles: "+joinRoles(access.Roles))
	f.StringVar(&pw, "password", "", "password (default: SHUYU_PASSWORD, else a random one that is printed)")
	f.StringVar(&training, "training-date", "", "date of the pre-job security training, YYYY-MM-DD (operator staff, Art. 30)")
	f.StringVar(&nda, "nda-date", "", "date the confidentiality agreement was signed, YYYY-MM-DD (Art. 30)")
	cmd.MarkFlagRequired("org")
	cmd.MarkFlagRequired("username")
	return cmd
}

func userPasswdCommand(o *options) *cobra.Command {
	var pw string
	cmd := &cobra.Command{
		Use:   "passwd USERNAME",
		Short: "Set a user's password; their sessions end",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withApp(cmd, o, func(ctx context.Context, a *app.App) error {
				u, err := a.Identity.UserByName(ctx, app.Admin(), args[0])
				if err != nil {
					return err
				}
				secret, generated := password(cmd, pw)
				if err := a.Identity.SetPassword(ctx, app.Admin(), u.ID, secret); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "password of %s changed\n", u.Username)
				if generated {
					fmt.Fprintf(cmd.OutOrStdout(), "password: %s\n", secret)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&pw, "password", "", "new password (default: SHUYU_PASSWORD, else a random one that is printed)")
	return cmd
}

func userSetCommand(o *options) *cobra.Command {
	var roles, name, training, nda string
	var disable, enable bool
	cmd := &cobra.Command{
		Use:     "set USERNAME",
		Short:   "Change a user's roles, name, Art. 30 records, or disable or enable them",
		Example: "  shuyu user set analyst2 --training-date 2026-11-20 --nda-date 2026-11-20\n  shuyu user set zhang --disable",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withApp(cmd, o, func(ctx context.Context, a *app.App) error {
				u, err := a.Identity.UserByName(ctx, app.Admin(), args[0])
				if err != nil {
					return err
				}
				var in identity.UserInput
				f := cmd.Flags()
				if f.Changed("roles") {
					rs := parseRoles(roles)
					in.Roles = &rs
				}
				if f.Changed("name") {
					in.DisplayName = &name
				}
				if f.Changed("training-date") {
					in.TrainingDate = &training
				}
				if f.Changed("nda-date") {
					in.NDADate = &nda
				}
				if disable || enable {
					in.Disabled = &disable
				}
				u, err = a.Identity.UpdateUser(ctx, app.Admin(), u.ID, in)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: roles %v, training %s, NDA %s, disabled %v\n", u.Username, u.Roles, dash(u.TrainingDate), dash(u.NDADate), u.Disabled)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&roles, "roles", "", "comma-separated roles, replacing the current ones")
	f.StringVar(&name, "name", "", "display name")
	f.StringVar(&training, "training-date", "", "pre-job security training date, YYYY-MM-DD ('' clears)")
	f.StringVar(&nda, "nda-date", "", "confidentiality agreement date, YYYY-MM-DD ('' clears)")
	f.BoolVar(&disable, "disable", false, "disable the account and end its sessions")
	f.BoolVar(&enable, "enable", false, "enable the account")
	cmd.MarkFlagsMutuallyExclusive("disable", "enable")
	return cmd
}

func orgCommand(o *options) *cobra.Command {
	cmd := &cobra.Command{Use: "org", Short: "Administer organizations and jurisdictions (as the platform administrator)"}
	cmd.AddCommand(orgListCommand(o), orgAddCommand(o), jurisdictionAddCommand(o))
	return cmd
}

func orgListCommand(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List organizations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withApp(cmd, o, func(ctx context.Context, a *app.App) error {
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "name\tkind\tjurisdiction\tdisabled\tid")
				for pg := store.NewPage(store.MaxPageSize, ""); ; {
					orgs, next, err := a.Identity.Orgs(ctx, app.Admin(), pg)
					if err != nil {
						return err
					}
					for _, ot := range orgs {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%s\n", ot.Name, ot.Kind, ot.JurisdictionName, ot.Disabled, ot.ID)
					}
					if next == "" {
						break
					}
					pg.After = next
				}
				return tw.Flush()
			})
		},
	}
}

func orgAddCommand(o *options) *cobra.Command {
	var name, nameEN, kind, jurisdiction, sector, uscc string
	cmd := &cobra.Command{
		Use:     "add",
		Short:   "Register an organization",
		Example: "  shuyu org add --name 潍坊市自然资源和规划局 --kind provider --jurisdiction 370700",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withApp(cmd, o, func(ctx context.Context, a *app.App) error {
				j, err := a.Identity.JurisdictionByCode(ctx, jurisdiction)
				if err != nil {
					return err
				}
				k := access.Kind(kind)
				ot, err := a.Identity.CreateOrg(ctx, app.Admin(), identity.OrgInput{Name: &name, NameEN: &nameEN, Kind: &k,
					JurisdictionID: &j.ID, Sector: &sector, USCC: &uscc})
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "registered %s (%s) in %s: %s\n", ot.Name, ot.Kind, j.Name, ot.ID)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "name")
	f.StringVar(&nameEN, "name-en", "", "English name")
	f.StringVar(&kind, "kind", "", "kind: "+strings.Join(kindNames(), ", "))
	f.StringVar(&jurisdiction, "jurisdiction", "", "division code of the city or county, e.g. 370700")
	f.StringVar(&sector, "sector", "", "sector of a regulator or industry authority, e.g. finance")
	f.StringVar(&uscc, "uscc", "", "unified social credit code")
	for _, r := range []string{"name", "kind", "jurisdiction"} {
		cmd.MarkFlagRequired(r)
	}
	return cmd
}

func jurisdictionAddCommand(o *options) *cobra.Command {
	var code, name, nameEN, parent string
	cmd := &cobra.Command{
		Use:     "add-jurisdiction",
		Short:   "Add the city, or a county of it",
		Example: "  shuyu org add-jurisdiction --code 370700 --name 潍坊市 --name-en Weifang\n  shuyu org add-jurisdiction --code 370705 --name 奎文区 --name-en Kuiwen --parent 370700",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withApp(cmd, o, func(ctx context.Context, a *app.App) error {
				j := identity.Jurisdiction{Code: code, Name: name, NameEN: nameEN}
				if parent != "" {
					p, err := a.Identity.JurisdictionByCode(ctx, parent)
					if err != nil {
						return err
					}
					j.ParentID = p.ID
				}
				j, err := a.Identity.CreateJurisdiction(ctx, app.Admin(), j)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "added %s %s (%s): %s\n", j.Level, j.Name, j.Code, j.ID)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&code, "code", "", "six-digit administrative division code (GB/T 2260)")
	f.StringVar(&name, "name", "", "name")
	f.StringVar(&nameEN, "name-en", "", "English name")
	f.StringVar(&parent, "parent", "", "code of the city, for a county")
	for _, r := range []string{"code", "name", "name-en"} {
		cmd.MarkFlagRequired(r)
	}
	return cmd
}

func parseRoles(s string) []access.Role {
	out := []access.Role{}
	for _, r := range strings.Split(s, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, access.Role(r))
		}
	}
	return out
}

func joinRoles(rs []access.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

func kindNames() []string {
	s := make([]string, len(access.Kinds))
	for i, k := range access.Kinds {
		s[i] = string(k)
	}
	return s
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

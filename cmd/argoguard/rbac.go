package main

// `argoguard rbac`: can, validate, who-can, diff. Compatible with
// `argocd admin settings rbac can|validate`; the logic lives in policy/rbac
// and policy/rules.

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/settings"
)

func rbacCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rbac",
		Short: "Test and check argocd-rbac-cm with Argo CD's own semantics",
	}
	cmd.AddCommand(rbacCanCmd(), rbacValidateCmd(), rbacWhoCanCmd(), rbacDiffCmd())
	return cmd
}

// policyFlags read argocd-rbac-cm: --policy-file (- for stdin) or the
// cluster, with the settings' names.
type policyFlags struct {
	inputs
	policyFile string
}

func (o *policyFlags) add(c *cobra.Command) {
	o.inputs.add(c)
	c.Flags().StringVar(&o.policyFile, "policy-file", "", "argocd-rbac-cm ConfigMap YAML or CSV policy file (- for stdin)")
}

// load reads the settings and the policy file (or the live
// argocd-rbac-cm).
func (o *policyFlags) load(c *cobra.Command) (*manifest.PolicyFile, *settings.Settings, error) {
	if o.policyFile != "" && o.live() {
		return nil, nil, usageErr("give --policy-file or --kubeconfig (one of them)")
	}
	set, err := o.settings()
	if err != nil {
		return nil, nil, err
	}
	f, err := o.readPolicy(c, o.policyFile, set)
	return f, set, err
}

// enforcerFlags are the flags `can` and `who-can` share.
type enforcerFlags struct {
	policyFlags
	defaultRole  string
	useBuiltin   bool
	projectPaths []string
}

func (o *enforcerFlags) add(c *cobra.Command) {
	o.policyFlags.add(c)
	c.Flags().StringVar(&o.defaultRole, "default-role", "", "default role to use (overrides policy.default)")
	c.Flags().BoolVar(&o.useBuiltin, "use-builtin-policy", true, "also load Argo CD's built-in policy")
	c.Flags().StringSliceVar(&o.projectPaths, "projects", nil, "AppProject manifests (files, folders, - for stdin) whose roles argocd-server adds "+
		"for requests about their project (with --kubeconfig: the cluster's AppProjects)")
}

func (o *enforcerFlags) enforcerSettings(c *cobra.Command) (*manifest.PolicyFile, *settings.Settings, *rbac.Enforcer, error) {
	for _, p := range o.projectPaths {
		if p == "-" && o.policyFile == "-" {
			return nil, nil, nil, usageErr("--projects - and --policy-file -: only one of them can read stdin")
		}
	}
	if len(o.projectPaths) > 0 && o.live() {
		return nil, nil, nil, usageErr("give --projects or --kubeconfig (one of them)")
	}
	f, set, err := o.load(c)
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := f.Parse()
	if err != nil {
		return nil, nil, nil, usageErr("%v", err)
	}
	def := p.Default
	if o.defaultRole != "" {
		def = o.defaultRole
	}
	e, err := rbac.NewEnforcerWith(p, def, o.useBuiltin)
	if err != nil {
		return nil, nil, nil, usageErr("%v", err)
	}
	return f, set, e, nil
}

// request resolves aliases and the project-scoped `*` like Argo CD's CLI,
// and applies --strict.
func request(resource, action, object string, strict bool) (string, string, string, error) {
	res := rbac.ResolveResource(resource)
	if strict {
		if err := rbac.ValidateRequest(res, action); err != nil {
			return "", "", "", err
		}
	}
	return res, action, rbac.CLIObject(res, object), nil
}

func rbacCanCmd() *cobra.Command {
	var (
		o      enforcerFlags
		strict bool
		quiet  bool
		batch  string
		groups []string
	)
	c := &cobra.Command{
		Use:   "can SUBJECT ACTION RESOURCE [OBJECT]",
		Short: "Say whether a subject may do an action (Yes: exit 0, No: exit 1)",
		Long: "Answers exactly as Argo CD's enforcer: built-in policy, policy.default first, glob or regex\n" +
			"matching. RESOURCE may be a short name (app, proj, repo, cert, ...); for project-scoped\n" +
			"resources an empty or * OBJECT means */*. With --batch, reads CSV lines\n" +
			"subject,action,resource[,object[,groups]] and prints one answer per line. The groups field\n" +
			"lists the line's group claims separated by ; (\"id-1;id-2\"; empty: a user without groups) and\n" +
			"answers that line as --groups does; a line without it uses --groups, if given.\n\n" +
			"With --projects (or --kubeconfig, which reads the cluster's AppProjects) it answers as argocd-server\n" +
			"does for a logged-in user SUBJECT with the --groups claims: a request about a project also gets\n" +
			"that AppProject's role policies and group bindings.",
		Example: "  argoguard rbac can role:dev sync app 'team-a/*' --policy-file argocd-rbac-cm.yaml\n" +
			"  argoguard rbac can alice sync app 'team-a/web' --groups a4c8f4d8-9041-7077-2b1e-8f0e6c3d2b15 \\\n" +
			"      --policy-file argocd-rbac-cm.yaml --projects appprojects/\n" +
			"  argoguard rbac can --batch expectations.csv --policy-file argocd-rbac-cm.yaml",
		RunE: func(cmd *cobra.Command, args []string) error {
			if batch == "" && (len(args) < 3 || len(args) > 4) {
				return usageErr("need SUBJECT ACTION RESOURCE [OBJECT] (or --batch FILE)")
			}
			if batch != "" && len(args) > 0 {
				return usageErr("give either a query or --batch, not both")
			}
			if batch == "-" && o.policyFile == "-" {
				return usageErr("--batch - and --policy-file -: only one of them can read stdin")
			}
			if batch == "-" && slices.Contains(o.projectPaths, "-") {
				return usageErr("--batch - and --projects -: only one of them can read stdin")
			}
			f, set, e, err := o.enforcerSettings(cmd)
			if err != nil {
				return err
			}
			view, err := o.projects(cmd, f, set, e)
			if err != nil {
				return err
			}
			// enforce answers one query: with AppProjects as argocd-server
			// does for a logged-in user SUBJECT, else as Argo CD's CLI.
			enforce := func(sub string, groups []string, claims bool, res, act, obj string) bool {
				switch {
				case view != nil:
					return view.pe.Enforce(rbac.Claims{Sub: sub, Groups: groups}, res, act, obj)
				case claims:
					return e.EnforceClaims(sub, groups, res, act, obj)
				}
				return e.Enforce(sub, res, act, obj)
			}
			out := cmd.OutOrStdout()
			if batch != "" {
				var defaults *[]string
				if cmd.Flags().Changed("groups") {
					defaults = &groups
				}
				return runBatch(enforce, batch, strict, defaults, cmd.InOrStdin(), out)
			}
			obj := ""
			if len(args) == 4 {
				obj = args[3]
			}
			res, act, obj, err := request(args[2], args[1], obj, strict)
			if err != nil {
				return usageErr("%v", err)
			}
			if enforce(args[0], groups, cmd.Flags().Changed("groups"), res, act, obj) {
				if !quiet {
					fmt.Fprintln(out, "Yes")
				}
				return nil
			}
			if !quiet {
				fmt.Fprintln(out, "No")
			}
			return silentExit(1)
		},
	}
	o.add(c)
	c.Flags().BoolVar(&strict, "strict", true, "refuse unknown resource and action names (as Argo CD)")
	c.Flags().BoolVarP(&quiet, "quiet", "q", false, "print nothing; answer with the exit status")
	c.Flags().StringVar(&batch, "batch", "", "CSV file of subject,action,resource[,object[,groups]] queries, groups separated by ; (- for stdin)")
	c.Flags().StringSliceVar(&groups, "groups", nil, "answer as argocd-server for a logged-in user SUBJECT with these group claims "+
		"(a group counts only if some g line names it)")
	c.ValidArgsFunction = completeSubjects(&o.policyFile)
	_ = c.RegisterFlagCompletionFunc("groups", completeGroups(&o.settingsPath))
	return c
}

// groupSeparator separates the groups of a --batch line's fifth field: a
// comma would end the CSV field, and ; is in no group ID the providers
// send.
const groupSeparator = ";"

// batchGroups reads a --batch line's groups field; empty entries are
// dropped, so "" is a user without groups.
func batchGroups(field string) []string {
	out := []string{}
	for _, g := range strings.Split(field, groupSeparator) {
		if g = strings.TrimSpace(g); g != "" {
			out = append(out, g)
		}
	}
	return out
}

// runBatch answers each query line of path. A line's fifth field gives its
// group claims; lines without it take defaults (--groups) when not nil,
// else are answered for the subject alone as before.
func runBatch(enforce func(sub string, groups []string, claims bool, res, act, obj string) bool, path string, strict bool, defaults *[]string, stdin io.Reader, out io.Writer) error {
	_, raw, err := manifest.ReadInput(path, stdin)
	if err != nil {
		return usageErr("%v", err)
	}
	for i, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cr := csv.NewReader(strings.NewReader(line))
		cr.TrimLeadingSpace = true
		fields, err := cr.Read()
		if err != nil || len(fields) < 3 || len(fields) > 5 {
			fmt.Fprintf(out, "error: %s line %d: want subject,action,resource[,object[,groups]]\n", path, i+1)
			continue
		}
		obj := ""
		if len(fields) >= 4 {
			obj = fields[3]
		}
		var groups []string
		claims := false
		switch {
		case len(fields) == 5:
			groups, claims = batchGroups(fields[4]), true
		case defaults != nil:
			groups, claims = *defaults, true
		}
		res, act, obj, err := request(fields[2], fields[1], obj, strict)
		if err != nil {
			fmt.Fprintf(out, "error: %s line %d: %v\n", path, i+1, err)
			continue
		}
		if enforce(fields[0], groups, claims, res, act, obj) {
			fmt.Fprintln(out, "Yes")
		} else {
			fmt.Fprintln(out, "No")
		}
	}
	return nil
}

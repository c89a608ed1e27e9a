package main

// `argoguard rbac`: can, validate, who-can, diff. Compatible with
// `argocd admin settings rbac can|validate`; the logic lives in policy/rbac
// and policy/rules.

import (
	"encoding/csv"
	"fmt"
	"io"
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
	defaultRole string
	useBuiltin  bool
}

func (o *enforcerFlags) add(c *cobra.Command) {
	o.policyFlags.add(c)
	c.Flags().StringVar(&o.defaultRole, "default-role", "", "default role to use (overrides policy.default)")
	c.Flags().BoolVar(&o.useBuiltin, "use-builtin-policy", true, "also load Argo CD's built-in policy")
}

func (o *enforcerFlags) enforcer(c *cobra.Command) (*manifest.PolicyFile, *rbac.Enforcer, error) {
	f, _, err := o.load(c)
	if err != nil {
		return nil, nil, err
	}
	p, err := f.Parse()
	if err != nil {
		return nil, nil, usageErr("%v", err)
	}
	def := p.Default
	if o.defaultRole != "" {
		def = o.defaultRole
	}
	e, err := rbac.NewEnforcerWith(p, def, o.useBuiltin)
	if err != nil {
		return nil, nil, usageErr("%v", err)
	}
	return f, e, nil
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
			"subject,action,resource,object and prints one answer per line.",
		Example: "  argoguard rbac can role:dev sync app 'team-a/*' --policy-file argocd-rbac-cm.yaml\n" +
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
			_, e, err := o.enforcer(cmd)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if batch != "" {
				return runBatch(e, batch, strict, cmd.InOrStdin(), out)
			}
			obj := ""
			if len(args) == 4 {
				obj = args[3]
			}
			res, act, obj, err := request(args[2], args[1], obj, strict)
			if err != nil {
				return usageErr("%v", err)
			}
			allowed := e.Enforce(args[0], res, act, obj)
			if cmd.Flags().Changed("groups") {
				allowed = e.EnforceClaims(args[0], groups, res, act, obj)
			}
			if allowed {
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
	c.Flags().StringVar(&batch, "batch", "", "CSV file of subject,action,resource,object queries (- for stdin)")
	c.Flags().StringSliceVar(&groups, "groups", nil, "answer as argocd-server for a logged-in user SUBJECT with these group claims "+
		"(a group counts only if some g line names it)")
	c.ValidArgsFunction = completeSubjects(&o.policyFile)
	_ = c.RegisterFlagCompletionFunc("groups", completeGroups(&o.settingsPath))
	return c
}

func runBatch(e *rbac.Enforcer, path string, strict bool, stdin io.Reader, out io.Writer) error {
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
		if err != nil || len(fields) < 3 || len(fields) > 4 {
			fmt.Fprintf(out, "error: %s line %d: want subject,action,resource[,object]\n", path, i+1)
			continue
		}
		obj := ""
		if len(fields) == 4 {
			obj = fields[3]
		}
		res, act, obj, err := request(fields[2], fields[1], obj, strict)
		if err != nil {
			fmt.Fprintf(out, "error: %s line %d: %v\n", path, i+1, err)
			continue
		}
		if e.Enforce(fields[0], res, act, obj) {
			fmt.Fprintln(out, "Yes")
		} else {
			fmt.Fprintln(out, "No")
		}
	}
	return nil
}

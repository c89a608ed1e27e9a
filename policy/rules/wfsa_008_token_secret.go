package rules

// WFSA-008 reports an rbac-rule ServiceAccount whose token Secret does not
// exist. Once argo-server has chosen an account it reads the account's
// token from that Secret (server/auth/gatekeeper.go,
// authorizationForServiceAccount; the name from util/secrets/secret_name.go)
// and fails the request when it is missing; since Kubernetes 1.24 no such
// Secret is created automatically.

import (
	"fmt"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/wfrbac"
)

var ruleWFSA008 = policy.Rule{
	ID: "WFSA-008", Title: "rbac-rule account without its token Secret",
	Severity: policy.SeverityHigh, Category: "serviceaccount", Action: policy.ActionWarn, ClusterOnly: true,
	Doc: "After choosing a ServiceAccount argo-server reads its token from a Secret: the first entry of .secrets, " +
		"else the workflows.argoproj.io/service-account-token.name annotation, else <name>.service-account-token. " +
		"Since Kubernetes 1.24 that Secret is not created for you; without it every user the rule selects is " +
		"refused. Create a Secret of type kubernetes.io/service-account-token annotated with " +
		"kubernetes.io/service-account.name: <account>. A warning: the Secret may be created after the account.",
	Check: checkWFSATokenSecret,
}

func checkWFSATokenSecret(s *policy.Snapshot) []policy.Finding {
	var out []policy.Finding
	for _, a := range s.WorkflowAccounts() {
		if !a.Account.HasRule || (s.Settings != nil && !s.Settings.IsWorkflowAccountNamespace(a.Account.Namespace)) {
			continue // not one of argo-server's candidates
		}
		name := a.Account.TokenSecretName()
		if _, state := s.LookupSecret(a.Account.Namespace, name); state != policy.SecretAbsent {
			continue
		}
		out = append(out, policy.Finding{
			Location: atField(a.Obj, wfrbac.FieldRule),
			Message:  fmt.Sprintf("token Secret %s/%s does not exist: users this rule selects are refused", a.Account.Namespace, name),
			Fix:      fmt.Sprintf("create Secret %s of type kubernetes.io/service-account-token annotated kubernetes.io/service-account.name: %s", name, a.Account.Name),
		})
	}
	return out
}

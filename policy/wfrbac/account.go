package wfrbac

import (
	"strconv"
)

// Annotation keys argo-server reads on ServiceAccounts (workflow/common/common.go).
const (
	AnnotationRule       = "workflows.argoproj.io/rbac-rule"
	AnnotationPrecedence = "workflows.argoproj.io/rbac-rule-precedence"
	AnnotationTokenName  = "workflows.argoproj.io/service-account-token.name"
)

// Account is a ServiceAccount as argo-server's SSO RBAC sees it.
type Account struct {
	Namespace string
	Name      string
	// HasRule is whether the rbac-rule annotation is present; argo-server
	// tests presence, so an empty rule is a candidate that fails to compile.
	HasRule bool
	Rule    string
	// PrecedenceRaw is the rbac-rule-precedence annotation as written.
	PrecedenceRaw string
	// SecretNames are the names listed in the account's .secrets.
	SecretNames []string
	// HasTokenName and TokenName are the service-account-token.name
	// annotation; argo-server tests presence, so an empty value names "".
	HasTokenName bool
	TokenName    string
}

// Precedence reads a precedence annotation as argo-server does: strconv.Atoi
// with its error ignored, so text that is not a plain decimal integer reads
// 0 ("abc", " 7", "2.5", "") and an out-of-range value clamps.
func Precedence(raw string) int {
	n, _ := strconv.Atoi(raw)
	return n
}

// Precedence is the account's precedence as argo-server sorts by it.
func (a Account) Precedence() int { return Precedence(a.PrecedenceRaw) }

// Key is "namespace/name".
func (a Account) Key() string { return a.Namespace + "/" + a.Name }

// TokenSecretName is the Secret argo-server reads the account's token from
// once the account is chosen (util/secrets/secret_name.go).
func (a Account) TokenSecretName() string {
	if len(a.SecretNames) > 0 {
		return a.SecretNames[0]
	}
	if a.HasTokenName {
		return a.TokenName
	}
	return a.Name + ".service-account-token"
}

// FromObject builds an account from a ServiceAccount's namespace, name,
// annotations and the names in its .secrets list (the caller reads the
// object: this package stays free of Kubernetes client types).
func FromObject(namespace, name string, annotations map[string]string, secretNames []string) Account {
	a := Account{Namespace: namespace, Name: name, SecretNames: append([]string(nil), secretNames...)}
	a.Rule, a.HasRule = annotations[AnnotationRule]
	a.PrecedenceRaw = annotations[AnnotationPrecedence]
	a.TokenName, a.HasTokenName = annotations[AnnotationTokenName]
	return a
}

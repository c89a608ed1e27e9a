// Package rules is argoguard's rule catalogue (docs/rules.md): one file per
// rule or tight family, each declaring its policy.Rule, and the defaulters
// of the mutating half. Catalogue lists them; policy.NewRegistry validates
// them into the registry every caller is given.
package rules

import "github.com/argoguard/argoguard/policy"

// Catalogue returns argoguard's rules, in the order of docs/rules.md, and
// its defaulters in the order they apply (each sees the object with the
// earlier ones' patches).
func Catalogue() ([]policy.Rule, []policy.Defaulter) {
	return []policy.Rule{
		// argocd-rbac-cm
		ruleRBAC001, ruleRBAC002, ruleRBAC003, ruleRBAC004, ruleRBAC005, ruleRBAC006, ruleRBAC007, ruleRBAC008, ruleRBAC009, ruleRBAC010, ruleRBAC011, ruleRBAC012, ruleRBAC013, ruleRBAC014, ruleRBAC015, ruleRBAC016, ruleRBAC017, ruleRBAC018, ruleRBAC019, ruleRBAC020, ruleRBAC021, ruleRBAC022,
		// AppProjects (their roles)
		rulePROJ001, rulePROJ002, rulePROJ003, rulePROJ004, rulePROJ005, rulePROJ006, rulePROJ007, rulePROJ008, rulePROJ009, rulePROJ010,
		// argocd-cm
		ruleACD001, ruleACD002, ruleACD003, ruleACD004, ruleACD005, ruleACD006, ruleACD007, ruleACD008, ruleACD009, ruleACD010, ruleACD011, ruleACD012, ruleACD013, ruleACD014,
		// argocd-cm's dex.config
		ruleDEX001, ruleDEX002, ruleDEX003, ruleDEX004, ruleDEX005, ruleDEX006, ruleDEX007, ruleDEX008, ruleDEX009, ruleDEX010, ruleDEX011, ruleDEX012, ruleDEX013, ruleDEX014, ruleDEX015, ruleDEX016,
		// workflow-controller-configmap
		ruleWF001, ruleWF002, ruleWF003, ruleWF004, ruleWF005, ruleWF006, ruleWF007, ruleWF008, ruleWF009, ruleWF010, ruleWF011,
		// Argo Workflows' rbac-rule ServiceAccounts
		ruleWFSA001, ruleWFSA002, ruleWFSA003, ruleWFSA004, ruleWFSA005, ruleWFSA006, ruleWFSA007, ruleWFSA008, ruleWFSA009, ruleWFSA010,
		ruleWFSA011, ruleWFSA012,
		// the guarded objects themselves
		ruleGUARD001,
	}, []policy.Defaulter{rbacDefaulter, samlDefaulter, workflowsDefaulter}
}

// NewRegistry returns the catalogue validated (policy.NewRegistry).
func NewRegistry() (*policy.Registry, error) {
	return policy.NewRegistry(Catalogue())
}

// MustNewRegistry is NewRegistry for tests and tools, panicking on an
// invalid catalogue (the catalogue is fixed at build time and its own test
// keeps it valid).
func MustNewRegistry() *policy.Registry {
	r, err := NewRegistry()
	if err != nil {
		panic(err)
	}
	return r
}

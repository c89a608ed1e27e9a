// Package settings is the schema of argoguard's settings: the mode, where the
// guarded objects live, the expected URLs, the identity provider and its
// groups, per-rule action overrides, RBAC invariants and break-glass
// requesters. Bad settings are an error naming every bad field (validate.go);
// the webhook refuses to start on them and keeps its last good settings
// when a reload has them. The package reads no files (policy/ depends on
// it); settings/settingsfile reads the settings file and its groups file.
package settings

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"
)

// Mode is enforce (deny findings are denied) or audit (nothing is denied).
type Mode string

const (
	ModeEnforce Mode = "enforce"
	ModeAudit   Mode = "audit"
)

// ProviderAWS is AWS IAM Identity Center, which sends group IDs.
const ProviderAWS = "aws-iam-identity-center"

// Settings is the whole settings file.
type Settings struct {
	Mode      Mode      `json:"mode"`
	ArgoCD    ArgoCD    `json:"argocd"`
	Workflows Workflows `json:"workflows"`
	Identity  Identity  `json:"identity"`
	// AdminGroups may hold admin-equivalent grants (RBAC-010): display names
	// or IDs; names are resolved through Identity.Groups.
	AdminGroups []string `json:"adminGroups,omitempty"`
	// Rules overrides the default action per rule ID: {RBAC-010: deny}.
	Rules map[string]string `json:"rules,omitempty"`
	// Invariants are RBAC promises checked with the real enforcer (RBAC-016).
	Invariants []Invariant `json:"invariants,omitempty"`
	// BreakGlass requesters are allowed with a warning and a log line.
	BreakGlass BreakGlass `json:"breakGlass,omitempty"`
	// Defaults configures the mutating half.
	Defaults Defaults `json:"defaults,omitempty"`
	// Secrets: whether argoguard may read the Secrets the ConfigMaps reference.
	Secrets SecretAccess `json:"secrets,omitempty"`

	// groups indexes Identity.Groups by ID and by name; built by Parse and
	// Default (see IndexGroups), unexported so that it is no setting.
	groups *groupIndex
}

// ArgoCD locates Argo CD's ConfigMaps and says what its URL must be.
type ArgoCD struct {
	// Enabled false: the cluster runs no Argo CD; argoguard neither guards
	// nor watches its ConfigMaps (default true).
	Enabled       *bool  `json:"enabled,omitempty"`
	Namespace     string `json:"namespace,omitempty"`     // default argocd
	ConfigMap     string `json:"configMap,omitempty"`     // default argocd-cm
	RBACConfigMap string `json:"rbacConfigMap,omitempty"` // default argocd-rbac-cm
	URL           string `json:"url,omitempty"`           // expected argocd-cm url (ACD-010)
	// SAMLAudience is the IdP's "Application SAML audience" (DEX-007).
	SAMLAudience string `json:"samlAudience,omitempty"`
}

// Workflows locates the Argo Workflows controller ConfigMap.
type Workflows struct {
	// Enabled false: the cluster runs no Argo Workflows; argoguard neither
	// guards nor watches its ConfigMap (default true).
	Enabled   *bool  `json:"enabled,omitempty"`
	Namespace string `json:"namespace,omitempty"` // default argo
	ConfigMap string `json:"configMap,omitempty"` // default workflow-controller-configmap
	URL       string `json:"url,omitempty"`       // the Workflows server's external URL
	// ServerServiceAccount is argo-server's own ServiceAccount in Namespace
	// (default: argo-server or argo-workflows-server, the names of the
	// install manifests and of the Helm chart with release argo-workflows;
	// set it when a Helm release gives it another name). An rbac-rule on it
	// is refused (WFSA-007).
	ServerServiceAccount string `json:"serverServiceAccount,omitempty"`
	// NamespaceDelegation says argo-server runs with
	// SSO_DELEGATE_RBAC_TO_NAMESPACE=true (and without --namespaced): for a
	// request about another namespace it also chooses among that
	// namespace's rbac-rule ServiceAccounts, so argoguard judges those too
	// (WFSA-011, WFSA-012). Default false: only Namespace's accounts are
	// argo-server's candidates. Judging admissions in other namespaces
	// also needs the webhook widened (deploy/components/workflows-delegation
	// or the Helm value workflows.namespaceDelegation).
	NamespaceDelegation bool `json:"namespaceDelegation,omitempty"`
}

// Identity describes the identity provider behind Dex.
type Identity struct {
	Provider string `json:"provider,omitempty"` // aws-iam-identity-center or generic
	// GroupsFile is the JSON `aws identitystore list-groups` prints.
	GroupsFile string `json:"groupsFile,omitempty"`
	// Groups known inline.
	Groups []Group `json:"groups,omitempty"`
	// SendsGroupIDs: the provider puts group IDs, not names, in the groups
	// claim. Default true for AWS IAM Identity Center.
	SendsGroupIDs *bool `json:"sendsGroupIDs,omitempty"`
}

// Group is one group of the identity provider.
type Group struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Invariant is a promise about who holds one permission:
// "only groups X, Y may sync applications prod/*".
type Invariant struct {
	Name     string `json:"name"`
	Resource string `json:"resource"`
	Action   string `json:"action"`
	Object   string `json:"object"`
	// Only these subjects (group names or IDs, roles, users) may hold it.
	Only []string `json:"only,omitempty"`
	// Never: these subjects must not hold it.
	Never []string `json:"never,omitempty"`
	// Always: these subjects must hold it (no lock-out).
	Always []string `json:"always,omitempty"`
}

// BreakGlass lists requesters whose changes are allowed with a warning.
type BreakGlass struct {
	Users           []string `json:"users,omitempty"`
	Groups          []string `json:"groups,omitempty"`
	ServiceAccounts []string `json:"serviceAccounts,omitempty"` // namespace/name
}

// Defaults configures the mutating webhook.
type Defaults struct {
	// Disabled turns defaulting off.
	Disabled bool `json:"disabled,omitempty"`
	// InAudit applies defaults in audit mode too.
	InAudit bool `json:"inAudit,omitempty"`
}

// SecretAccess says whether argoguard reads referenced Secrets.
type SecretAccess struct {
	Read bool `json:"read,omitempty"`
}

// Parse reads settings from YAML or JSON, strictly: an unknown field is an
// error. Defaults are applied and the result validated, every problem at
// once. Parse knows no rule catalogue and reads no groups file: programs
// that evaluate rules use ParseWith with the registry's check, and
// settingsfile.Load reads the file and the groups file it names.
func Parse(data []byte) (*Settings, error) {
	return ParseWith(data, Options{})
}

// ParseWith is Parse with the checks and the groups file reader o gives.
func ParseWith(data []byte, o Options) (*Settings, error) {
	var s Settings
	if err := yaml.UnmarshalStrict(data, &s); err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	s.applyDefaults()
	var errs field.ErrorList
	if s.Identity.GroupsFile != "" {
		groups, ferrs := s.readGroupsFile(o.ReadGroupsFile)
		errs = append(errs, ferrs...)
		s.Identity.Groups = append(s.Identity.Groups, groups...)
	}
	errs = append(errs, s.Validate(o)...)
	if len(errs) > 0 {
		return nil, &Error{Errs: errs}
	}
	s.IndexGroups()
	return &s, nil
}

// Default returns the settings used when none are given: enforce mode, the
// stock names and namespaces, no expectations.
func Default() *Settings {
	s := &Settings{}
	s.applyDefaults()
	s.IndexGroups()
	return s
}

func (s *Settings) applyDefaults() {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def((*string)(&s.Mode), string(ModeEnforce))
	def(&s.ArgoCD.Namespace, "argocd")
	def(&s.ArgoCD.ConfigMap, "argocd-cm")
	def(&s.ArgoCD.RBACConfigMap, "argocd-rbac-cm")
	def(&s.Workflows.Namespace, "argo")
	def(&s.Workflows.ConfigMap, "workflow-controller-configmap")
}

// awsGroups is the JSON `aws identitystore list-groups` prints.
type awsGroups struct {
	Groups []struct {
		GroupID     string `json:"GroupId"`
		DisplayName string `json:"DisplayName"`
	} `json:"Groups"`
}

// readGroupsFile reads the groups file through read and parses it; its
// problems are errors of identity.groupsFile.
func (s *Settings) readGroupsFile(read func(name string) ([]byte, error)) ([]Group, field.ErrorList) {
	fp := field.NewPath("identity", "groupsFile")
	if read == nil {
		return nil, field.ErrorList{field.Invalid(fp, s.Identity.GroupsFile,
			"settings given as bytes cannot name a file; load them with settingsfile.Load")}
	}
	data, err := read(s.Identity.GroupsFile)
	if err != nil {
		return nil, field.ErrorList{field.Invalid(fp, s.Identity.GroupsFile, err.Error())}
	}
	groups, msgs := ParseGroups(data)
	var errs field.ErrorList
	for _, msg := range msgs {
		errs = append(errs, field.Invalid(fp, s.Identity.GroupsFile, msg))
	}
	return groups, errs
}

// ParseGroups reads the JSON `aws identitystore list-groups` prints; each
// problem is one message.
func ParseGroups(data []byte) ([]Group, []string) {
	var parsed awsGroups
	if err := json.Unmarshal(data, &parsed); err != nil {
		return nil, []string{"not the JSON of `aws identitystore list-groups`: " + err.Error()}
	}
	out := make([]Group, 0, len(parsed.Groups))
	var msgs []string
	for i, g := range parsed.Groups {
		if g.GroupID == "" {
			msgs = append(msgs, fmt.Sprintf("Groups[%d] has no GroupId", i))
			continue
		}
		out = append(out, Group{ID: g.GroupID, Name: g.DisplayName})
	}
	return out, msgs
}

// GuardsArgoCD reports whether argoguard guards Argo CD's ConfigMaps
// (argocd.enabled, default true).
func (s *Settings) GuardsArgoCD() bool { return s.ArgoCD.Enabled == nil || *s.ArgoCD.Enabled }

// GuardsWorkflows reports whether argoguard guards the Workflows ConfigMap
// (workflows.enabled, default true).
func (s *Settings) GuardsWorkflows() bool { return s.Workflows.Enabled == nil || *s.Workflows.Enabled }

// DelegatesToNamespaces reports whether argo-server also chooses among the
// rbac-rule ServiceAccounts of a request's namespace
// (workflows.namespaceDelegation on a guarded Workflows).
func (s *Settings) DelegatesToNamespaces() bool {
	return s.GuardsWorkflows() && s.Workflows.NamespaceDelegation
}

// IsWorkflowAccountNamespace reports whether argo-server may choose an
// rbac-rule ServiceAccount of namespace ns: the Workflows namespace, or any
// namespace with delegation.
func (s *Settings) IsWorkflowAccountNamespace(ns string) bool {
	return s.GuardsWorkflows() && (ns == s.Workflows.Namespace || (ns != "" && s.Workflows.NamespaceDelegation))
}

// SendsGroupIDs reports whether the provider sends group IDs (true for AWS
// IAM Identity Center unless set otherwise).
func (s *Settings) SendsGroupIDs() bool {
	if s.Identity.SendsGroupIDs != nil {
		return *s.Identity.SendsGroupIDs
	}
	return s.Identity.Provider == ProviderAWS
}

// KnowsGroups reports whether a group list was configured.
func (s *Settings) KnowsGroups() bool { return len(s.Identity.Groups) > 0 }

// groupIndex maps group IDs and display names to their first position in
// the Identity.Groups it was built from. The rules look a group up for
// every policy line: a scan made a 10,000-line policy quadratic.
type groupIndex struct {
	of     []Group // the slice indexed (same array and length means still valid)
	byID   map[string]int
	byName map[string]int
}

// IndexGroups (re)builds the group index. Parse and Default call it; code
// that changes Identity.Groups afterwards should call it again (lookups on
// settings without a current index still work, by scanning).
func (s *Settings) IndexGroups() {
	gs := s.Identity.Groups
	idx := &groupIndex{of: gs, byID: make(map[string]int, len(gs)), byName: make(map[string]int, len(gs))}
	for i, g := range gs {
		if _, dup := idx.byID[g.ID]; !dup {
			idx.byID[g.ID] = i
		}
		if _, dup := idx.byName[g.Name]; g.Name != "" && !dup {
			idx.byName[g.Name] = i
		}
	}
	s.groups = idx
}

// index returns the group index when it still describes Identity.Groups:
// a copy of the settings whose groups were replaced or appended to has a
// stale one.
func (s *Settings) index() *groupIndex {
	idx, gs := s.groups, s.Identity.Groups
	if idx == nil || len(idx.of) != len(gs) || (len(gs) > 0 && &idx.of[0] != &gs[0]) {
		return nil
	}
	return idx
}

// GroupByID returns the group with that ID.
func (s *Settings) GroupByID(id string) (Group, bool) {
	if idx := s.index(); idx != nil {
		if i, ok := idx.byID[id]; ok && s.Identity.Groups[i].ID == id {
			return s.Identity.Groups[i], true
		} else if !ok {
			return Group{}, false
		}
	}
	for _, g := range s.Identity.Groups {
		if g.ID == id {
			return g, true
		}
	}
	return Group{}, false
}

// GroupByName returns the group with that display name.
func (s *Settings) GroupByName(name string) (Group, bool) {
	if name == "" {
		return Group{}, false
	}
	if idx := s.index(); idx != nil {
		if i, ok := idx.byName[name]; ok && s.Identity.Groups[i].Name == name {
			return s.Identity.Groups[i], true
		} else if !ok {
			return Group{}, false
		}
	}
	for _, g := range s.Identity.Groups {
		if g.Name == name {
			return g, true
		}
	}
	return Group{}, false
}

// ResolveSubject turns a group display name into the subject the provider
// sends (its ID when SendsGroupIDs); anything else is returned unchanged.
func (s *Settings) ResolveSubject(nameOrID string) string {
	if _, ok := s.GroupByID(nameOrID); ok {
		return nameOrID
	}
	if g, ok := s.GroupByName(nameOrID); ok && s.SendsGroupIDs() {
		return g.ID
	}
	return nameOrID
}

// DisplayName returns "name (id)" for a known group ID, else the subject.
func (s *Settings) DisplayName(subject string) string {
	if g, ok := s.GroupByID(subject); ok && g.Name != "" {
		return g.Name + " (" + g.ID + ")"
	}
	return subject
}

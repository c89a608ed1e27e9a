package snapshot

// The cluster's Roles, ClusterRoles and bindings, for the CLI's report of
// what the Workflows accounts may do in Kubernetes (policy/k8srbac judges
// them). The webhook never reads these.

import (
	"context"
	"fmt"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/argoguard/argoguard/policy/k8srbac"
)

// ClusterRBAC lists every Role, ClusterRole, RoleBinding and
// ClusterRoleBinding of the cluster: an account may be bound in any
// namespace. The error names the list that failed.
func (r *ClientReader) ClusterRBAC(ctx context.Context) (*k8srbac.Objects, error) {
	api := r.Client.RbacV1()
	all := metav1.ListOptions{}
	roles, err := api.Roles(metav1.NamespaceAll).List(ctx, all)
	if err != nil {
		return nil, fmt.Errorf("listing Roles: %w", err)
	}
	clusterRoles, err := api.ClusterRoles().List(ctx, all)
	if err != nil {
		return nil, fmt.Errorf("listing ClusterRoles: %w", err)
	}
	rbs, err := api.RoleBindings(metav1.NamespaceAll).List(ctx, all)
	if err != nil {
		return nil, fmt.Errorf("listing RoleBindings: %w", err)
	}
	crbs, err := api.ClusterRoleBindings().List(ctx, all)
	if err != nil {
		return nil, fmt.Errorf("listing ClusterRoleBindings: %w", err)
	}
	objs := &k8srbac.Objects{}
	for _, r := range roles.Items {
		objs.Roles = append(objs.Roles, k8srbac.Role{Namespace: r.Namespace, Name: r.Name, Rules: policyRules(r.Rules)})
	}
	for _, r := range clusterRoles.Items {
		objs.ClusterRoles = append(objs.ClusterRoles, k8srbac.Role{Name: r.Name, Rules: policyRules(r.Rules)})
	}
	for _, b := range rbs.Items {
		objs.RoleBindings = append(objs.RoleBindings, binding(b.ObjectMeta, b.RoleRef, b.Subjects))
	}
	for _, b := range crbs.Items {
		objs.ClusterRoleBindings = append(objs.ClusterRoleBindings, binding(b.ObjectMeta, b.RoleRef, b.Subjects))
	}
	return objs, nil
}

func policyRules(rules []rbacv1.PolicyRule) []k8srbac.PolicyRule {
	out := make([]k8srbac.PolicyRule, 0, len(rules))
	for _, r := range rules {
		out = append(out, k8srbac.PolicyRule{Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: r.Resources,
			ResourceNames: r.ResourceNames, NonResourceURLs: r.NonResourceURLs})
	}
	return out
}

func binding(m metav1.ObjectMeta, ref rbacv1.RoleRef, subjects []rbacv1.Subject) k8srbac.Binding {
	b := k8srbac.Binding{Namespace: m.Namespace, Name: m.Name, Labels: m.Labels, RoleRef: k8srbac.RoleRef{Kind: ref.Kind, Name: ref.Name}}
	for _, s := range subjects {
		b.Subjects = append(b.Subjects, k8srbac.Subject{Kind: s.Kind, Namespace: s.Namespace, Name: s.Name})
	}
	return b
}

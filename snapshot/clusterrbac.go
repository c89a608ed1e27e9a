package snapshot

// The cluster's Roles, ClusterRoles and bindings, for the CLI's report of
// what the Workflows accounts may do in Kubernetes (policy/k8srbac judges
// them). The webhook never reads these.

import (
	"context"
	"fmt"

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
	return &k8srbac.Objects{
		Roles: roles.Items, ClusterRoles: clusterRoles.Items,
		RoleBindings: rbs.Items, ClusterRoleBindings: crbs.Items,
	}, nil
}

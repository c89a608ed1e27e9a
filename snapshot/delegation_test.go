package snapshot

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/argoguard/argoguard/internal/guidetest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/wfrbac"
)

func ruledAccount(ns, name string) *policy.Object {
	return &policy.Object{Ref: policy.ObjectRef{Kind: policy.KindServiceAccount, Namespace: ns, Name: name},
		Annotations: map[string]string{wfrbac.AnnotationRule: "true"}}
}

// An rbac-rule account outside the Workflows namespace is argo-server's
// candidate only with namespace delegation.
func TestGuardsObjectDelegatedNamespace(t *testing.T) {
	set := guidetest.Settings(t)
	other := ruledAccount("other", "team")
	if GuardsObject(set, other.Ref, other, nil) {
		t.Errorf("delegation off: an account of another namespace is judged")
	}
	set.Workflows.NamespaceDelegation = true
	if !GuardsObject(set, other.Ref, other, nil) {
		t.Errorf("delegation on: an rbac-rule account of another namespace is not judged")
	}
	plain := &policy.Object{Ref: other.Ref}
	if GuardsObject(set, plain.Ref, plain, nil) {
		t.Errorf("delegation on: an account without rbac-rule is judged")
	}
	if !GuardsObject(set, other.Ref, plain, other) {
		t.Errorf("delegation on: removing the rbac-rule is not judged")
	}
}

// A change to a delegated namespace's account is judged with that
// namespace's accounts and the Workflows namespace's; the token Secrets of
// both are looked up in their own namespaces.
func TestBuildDelegatedChangeListsBothNamespaces(t *testing.T) {
	set := guidetest.Settings(t)
	set.Workflows.NamespaceDelegation = true
	set.Secrets.Read = true
	r := rbacCluster(t, "argo-admin.service-account-token")
	changed := ruledAccount("other", "new")
	snap, err := (&Source{Reader: r}).Build(context.Background(), set, &Change{Ref: changed.Ref, Object: changed})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range snap.ServiceAccounts {
		got = append(got, a.Ref.Namespace+"/"+a.Ref.Name)
	}
	slices.Sort(got)
	want := []string{"argo/argo-admin", "argo/listed", "other/elsewhere", "other/new"}
	if !slices.Equal(got, want) {
		t.Errorf("accounts %v, want %v", got, want)
	}
	if _, state := snap.LookupSecret("argo", "argo-admin.service-account-token"); state != policy.SecretFound {
		t.Errorf("argo's token Secret: %v, want present", state)
	}
	if _, state := snap.LookupSecret("other", "new.service-account-token"); state != policy.SecretAbsent {
		t.Errorf("other's token Secret: %v, want absent", state)
	}

	// Delegation off: the same change is not argo-server's; the snapshot
	// of the Workflows namespace's state (the audit) lists argo only.
	set.Workflows.NamespaceDelegation = false
	snap, err = (&Source{Reader: r}).Build(context.Background(), set, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range snap.ServiceAccounts {
		if a.Ref.Namespace != "argo" {
			t.Errorf("live state lists %s/%s", a.Ref.Namespace, a.Ref.Name)
		}
	}
}

// The CLI's read of a live cluster adds the delegated namespaces' accounts
// in one cluster-wide list, only with delegation; a forbidden list is a
// note.
func TestAddDelegatedAccounts(t *testing.T) {
	set := guidetest.Settings(t)
	r := rbacCluster(t)
	snap, err := (&Source{Reader: r}).Build(context.Background(), set, nil)
	if err != nil {
		t.Fatal(err)
	}
	if notes, err := AddDelegatedAccounts(context.Background(), snap, r); err != nil || notes != nil || len(snap.ServiceAccounts) != 2 {
		t.Fatalf("delegation off: %v %v, accounts %d, want argo's 2", notes, err, len(snap.ServiceAccounts))
	}
	set.Workflows.NamespaceDelegation = true
	if notes, err := AddDelegatedAccounts(context.Background(), snap, r); err != nil || notes != nil {
		t.Fatal(notes, err)
	}
	var got []string
	for _, a := range snap.ServiceAccounts {
		got = append(got, a.Ref.Namespace+"/"+a.Ref.Name)
	}
	if want := []string{"argo/argo-admin", "argo/listed", "other/elsewhere"}; !slices.Equal(got, want) {
		t.Errorf("accounts %v, want %v", got, want)
	}

	r.Client.(*fake.Clientset).PrependReactor("list", "serviceaccounts", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if a.GetNamespace() == "" {
			return true, nil, apierrors.NewForbidden(corev1.Resource("serviceaccounts"), "", errors.New("no"))
		}
		return false, nil, nil
	})
	snap, err = (&Source{Reader: r}).Build(context.Background(), set, nil)
	if err != nil {
		t.Fatal(err)
	}
	notes, err := AddDelegatedAccounts(context.Background(), snap, r)
	if err != nil || len(notes) != 1 || !strings.Contains(notes[0], "not judged") || len(snap.ServiceAccounts) != 2 {
		t.Errorf("forbidden cluster-wide list: notes %q, err %v, %d accounts (want argo's 2)", notes, err, len(snap.ServiceAccounts))
	}
}

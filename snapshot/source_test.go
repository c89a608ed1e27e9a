package snapshot

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-logr/logr/funcr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/argoguard/argoguard/internal/guidetest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rules"
)

// lockedReader serves a StaticReader's objects, except the Secrets named
// in locked, whose GET is forbidden (what RBAC that does not grant them
// answers), and counts the Secret GETs.
type lockedReader struct {
	*StaticReader
	locked map[string]bool // namespace/name
	gets   atomic.Int64
}

func (r *lockedReader) Secret(ctx context.Context, ns, name string) (*policy.Object, error) {
	r.gets.Add(1)
	if r.locked[ns+"/"+name] || r.locked["*"] {
		return nil, apierrors.NewForbidden(schema.GroupResource{Resource: "secrets"}, name,
			fmt.Errorf("cannot get resource secrets in namespace %s", ns))
	}
	return r.StaticReader.Secret(ctx, ns, name)
}

func secretObject(ns, name string, labels, data map[string]string) *policy.Object {
	return &policy.Object{Ref: policy.ObjectRef{Kind: "Secret", Namespace: ns, Name: name}, Labels: labels, Data: data}
}

// TestOneUnreadableSecretLeavesTheOthersJudged: a Secret argoguard may not
// read is unknown on its own; ACD-008, WF-005 and WF-010 still judge the
// Secrets it could read.
func TestOneUnreadableSecretLeavesTheOthersJudged(t *testing.T) {
	set := guidetest.Settings(t)
	set.Secrets.Read = true
	static := guideCluster(t, "fixed")
	argocdCM := guidetest.ConfigMap(t, "fixed", "argocd-cm.yaml")
	argocdCM.Data["oidc.config"] = "clientID: $locked:client-id\nclientSecret: $oidc-secret:client-secret\n"
	static.Objects[0] = argocdCM
	static.Objects = append(static.Objects,
		secretObject("argocd", "oidc-secret", map[string]string{"app.kubernetes.io/part-of": "argocd"}, map[string]string{"client-id": "x"}),
		// The Workflows client Secret without its client-secret key, and
		// with a client id Dex does not know.
		secretObject("argo", "argo-workflows-sso", nil, map[string]string{"client-id": "not-a-static-client"}))
	reader := &lockedReader{StaticReader: static, locked: map[string]bool{
		"argocd/locked": true, "argocd/argo-workflows-sso": true}}

	snap, err := (&Source{Reader: reader}).Build(context.Background(), set, nil)
	if err != nil {
		t.Fatal(err)
	}
	findings, err := rules.MustNewRegistry().Evaluate(snap)
	if err != nil {
		t.Fatal(err)
	}
	byRule := map[string][]string{}
	for _, f := range findings {
		byRule[f.RuleID] = append(byRule[f.RuleID], f.Message)
	}
	for id, want := range map[string]string{
		"ACD-008": `Secret argocd/oidc-secret has no key "client-secret"`,
		"WF-005":  `Secret argo/argo-workflows-sso has no key "client-secret"`,
		"WF-010":  "",
	} {
		if !strings.Contains(strings.Join(byRule[id], "\n"), want) || len(byRule[id]) == 0 {
			t.Errorf("%s: findings %q, want one containing %q", id, byRule[id], want)
		}
	}
	for _, m := range byRule["ACD-008"] {
		if strings.Contains(m, "locked") {
			t.Errorf("ACD-008 judged the Secret it could not read: %s", m)
		}
	}
	if _, state := snap.LookupSecret("argocd", "locked"); state != policy.SecretUnknown {
		t.Errorf("unreadable Secret: state %v, want unknown", state)
	}
}

// TestSecretReadsPerSnapshotAreBounded: a ConfigMap naming many Secrets
// costs at most maxSecretReads GETs; the rest are unknown, not reported
// as missing.
func TestSecretReadsPerSnapshotAreBounded(t *testing.T) {
	set := guidetest.Settings(t)
	set.Secrets.Read = true
	static := guideCluster(t, "fixed")
	var refs strings.Builder
	for i := range 3 * maxSecretReads {
		fmt.Fprintf(&refs, "k%d: $s%03d:key\n", i, i)
	}
	argocdCM := guidetest.ConfigMap(t, "fixed", "argocd-cm.yaml")
	argocdCM.Data["oidc.config"] = refs.String()
	static.Objects[0] = argocdCM
	reader := &lockedReader{StaticReader: static}

	snap, err := (&Source{Reader: reader}).Build(context.Background(), set, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := reader.gets.Load(); n > maxSecretReads {
		t.Errorf("%d Secret GETs for one snapshot, bound %d", n, maxSecretReads)
	}
	findings, err := rules.MustNewRegistry().Evaluate(snap)
	if err != nil {
		t.Fatal(err)
	}
	missing := 0
	for _, f := range findings {
		if f.RuleID == "ACD-008" {
			missing++
		}
	}
	if missing == 0 || missing > maxSecretReads {
		t.Errorf("ACD-008 reported %d missing Secrets; want the %d read, at most", missing, maxSecretReads)
	}
}

// TestSecretReadErrorsLoggedOnceAndBounded: a Secret that cannot be read
// is logged once, not on every admission, and the memory of what was
// logged does not grow with the names written into ConfigMaps.
func TestSecretReadErrorsLoggedOnceAndBounded(t *testing.T) {
	set := guidetest.Settings(t)
	set.Secrets.Read = true
	static := guideCluster(t, "fixed")
	argocdCM := guidetest.ConfigMap(t, "fixed", "argocd-cm.yaml")
	static.Objects[0] = argocdCM
	reader := &lockedReader{StaticReader: static, locked: map[string]bool{"*": true}}
	lines := 0
	src := &Source{Reader: reader, Log: funcr.New(func(_, _ string) { lines++ }, funcr.Options{})}

	build := func(first, n int) {
		var refs strings.Builder
		for i := first; i < first+n; i++ {
			fmt.Fprintf(&refs, "k%d: $s%05d:key\n", i, i)
		}
		argocdCM.Data["oidc.config"] = refs.String()
		if _, err := src.Build(context.Background(), set, nil); err != nil {
			t.Fatal(err)
		}
	}
	build(0, 4)
	logged := lines
	build(0, 4)
	if lines != logged {
		t.Errorf("the same unreadable Secrets logged again: %d lines, then %d", logged, lines)
	}
	for i := range 100 {
		build(4+i*8, 8)
	}
	if len(src.logged) > maxLoggedSecretErrors {
		t.Errorf("%d read errors remembered, bound %d", len(src.logged), maxLoggedSecretErrors)
	}
}

// guideCluster is the guide's live state in variant: its three ConfigMaps.
func guideCluster(t testing.TB, variant string) *StaticReader {
	return &StaticReader{Objects: []*policy.Object{
		guidetest.ConfigMap(t, variant, "argocd-cm.yaml"),
		guidetest.ConfigMap(t, variant, "argocd-rbac-cm.yaml"),
		guidetest.ConfigMap(t, variant, "workflow-controller-configmap.yaml"),
	}}
}

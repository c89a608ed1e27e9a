package policy

import (
	"fmt"
	"sync"
	"testing"
)

func configMap(name string, data map[string]string) *Object {
	return &Object{Ref: ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: name}, Data: data}
}

// Every rule of one evaluation sees the very same parse of each guarded
// ConfigMap: one parse per object per evaluation, however many rules read it.
func TestSnapshotParsesEachObjectOncePerEvaluation(t *testing.T) {
	seen := map[string]map[any]bool{"rbac": {}, "argocd": {}, "dex": {}, "workflows": {}}
	var rules []Rule
	for i := 1; i <= 5; i++ {
		r := quietRule(fmt.Sprintf("RBAC-%03d", i))
		r.Check = func(s *Snapshot) []Finding {
			seen["rbac"][s.RBAC()] = true
			seen["argocd"][s.ArgoCD()] = true
			seen["dex"][s.Dex()] = true
			seen["workflows"][s.Workflows()] = true
			return nil
		}
		rules = append(rules, r)
	}
	reg, err := NewRegistry(rules, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &Snapshot{
		RBACCM:      configMap("argocd-rbac-cm", map[string]string{"policy.csv": "p, role:a, applications, get, */*, allow"}),
		ArgoCDCM:    configMap("argocd-cm", map[string]string{"url": "https://cd.example.com", "dex.config": "connectors: []"}),
		WorkflowsCM: configMap("workflow-controller-configmap", map[string]string{"sso": "issuer: https://cd.example.com/api/dex"}),
	}
	if _, err := reg.Evaluate(s); err != nil {
		t.Fatal(err)
	}
	for kind, ptrs := range seen {
		if len(ptrs) != 1 {
			t.Errorf("%s parsed %d times in one evaluation, want once", kind, len(ptrs))
		}
		for p := range ptrs {
			if fmt.Sprint(p) == "<nil>" {
				t.Errorf("%s: no parse for an object the snapshot has", kind)
			}
		}
	}
	// A snapshot whose object is replaced parses the new one.
	before := s.RBAC()
	s.RBACCM = configMap("argocd-rbac-cm", map[string]string{"policy.csv": "p, role:b, applications, get, */*, allow"})
	if after := s.RBAC(); after == before || after.Policy.Lines[0].Subject() != "role:b" {
		t.Error("a replaced object kept the old parse")
	}
	if (&Snapshot{}).RBAC() != nil || (&Snapshot{}).ArgoCD() != nil || (&Snapshot{}).Workflows() != nil {
		t.Error("a snapshot without the objects returned parses")
	}
}

// With a ParseCache, snapshots whose objects hold equal data share one
// parse (the state after a change and the state before it), different
// data or a different kind of parse does not, and the cache keeps at most
// its bound however many contents pass through it.
func TestParseCacheSharesByContentWithinItsBound(t *testing.T) {
	c := NewParseCache(3)
	data := func(i int) map[string]string {
		return map[string]string{"policy.csv": fmt.Sprintf("p, role:r%d, applications, get, */*, allow", i)}
	}
	a := &Snapshot{Parses: c, RBACCM: configMap("argocd-rbac-cm", data(1))}
	b := &Snapshot{Parses: c, RBACCM: configMap("argocd-rbac-cm", data(1))}
	if a.RBAC() != b.RBAC() {
		t.Error("equal data parsed twice through the cache")
	}
	other := &Snapshot{Parses: c, RBACCM: configMap("argocd-rbac-cm", data(2))}
	if other.RBAC() == a.RBAC() {
		t.Error("different data shared a parse")
	}
	asArgoCD := &Snapshot{Parses: c, ArgoCDCM: configMap("argocd-cm", data(1))}
	if asArgoCD.ArgoCD() == nil {
		t.Error("the same data as another kind of ConfigMap got no parse of its own")
	}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &Snapshot{Parses: c, RBACCM: configMap("argocd-rbac-cm", data(i%7))}
			if got := s.RBAC().Policy.Lines[0].Subject(); got != fmt.Sprintf("role:r%d", i%7) {
				t.Errorf("content %d got the parse of %s", i%7, got)
			}
		}()
	}
	wg.Wait()
	if n := c.Len(); n > 3 {
		t.Errorf("cache holds %d parses, bound 3", n)
	}
}

// The certificates of one caData text are decoded once per snapshot, and
// an undecodable one reports its error every time it is asked.
func TestSnapshotCertificatesMemo(t *testing.T) {
	s := &Snapshot{}
	if _, err := s.Certificates("not base64!"); err == nil {
		t.Fatal("bad caData decoded")
	}
	if _, err := s.Certificates("not base64!"); err == nil {
		t.Fatal("bad caData decoded on the second lookup")
	}
	for i := range 2 * maxMemoCerts {
		_, _ = s.Certificates(fmt.Sprint("x", i))
	}
	if len(s.memo.certs) > maxMemoCerts {
		t.Errorf("memo holds %d certificate texts, bound %d", len(s.memo.certs), maxMemoCerts)
	}
}

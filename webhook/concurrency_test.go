package webhook

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/snapshot"
)

// answer is what the API server takes from a response.
func answer(r *admissionv1.AdmissionResponse) string {
	msg := ""
	if r.Result != nil {
		msg = fmt.Sprint(r.Result.Code, r.Result.Message)
	}
	return fmt.Sprintf("%s|%v|%s|%q|%s", r.UID, r.Allowed, msg, r.Warnings, patchOps(r.Patch))
}

// patchOps lists the JSON patch operations in path order: the order of
// independent operations is not part of the answer.
func patchOps(patch []byte) []string {
	var ops []map[string]any
	_ = json.Unmarshal(patch, &ops)
	out := make([]string, 0, len(ops))
	for _, op := range ops {
		b, _ := json.Marshal(op)
		out = append(out, string(b))
	}
	sort.Strings(out)
	return out
}

// TestConcurrentAdmissionsMatchSequential sends 50 admissions of mixed
// objects, operations and verdicts at once (run with -race) and checks
// every answer equals the one given sequentially.
func TestConcurrentAdmissionsMatchSequential(t *testing.T) {
	set := guideSettings(t)
	reader := guideCluster(t, "as-written")
	src := &snapshot.Source{Reader: reader}
	store := NewStaticSettings(set)
	validate := Handler(&Validator{Rules: catalogue, Parses: policy.NewParseCache(parseCacheSize), Settings: store, Source: src, Log: logr.Discard()}, logr.Discard(), 0)
	mutate := Handler(&Mutator{Settings: store, Source: src, Log: logr.Discard(), Defaults: matchModeDefaults}, logr.Discard(), 0)

	var objects []*corev1.ConfigMap
	for _, v := range []string{"as-written", "fixed"} {
		for _, f := range []string{"argocd-cm.yaml", "argocd-rbac-cm.yaml", "workflow-controller-configmap.yaml"} {
			objects = append(objects, guideConfigMap(t, v, f))
		}
	}
	ops := []admissionv1.Operation{admissionv1.Create, admissionv1.Update, admissionv1.Delete}
	type job struct {
		mutate bool
		body   []byte
	}
	var jobs []job
	for i := 0; i < 50; i++ {
		cm := objects[i%len(objects)]
		o := reviewOpts{op: ops[i%len(ops)], uid: fmt.Sprintf("uid-%02d", i)}
		switch o.op {
		case admissionv1.Create:
			o.object = cm
		case admissionv1.Update:
			o.object, o.old = cm, objects[(i+3)%len(objects)]
			o.old = guideConfigMap(t, []string{"as-written", "fixed"}[i%2], map[string]string{
				"argocd-cm": "argocd-cm.yaml", "argocd-rbac-cm": "argocd-rbac-cm.yaml",
				"workflow-controller-configmap": "workflow-controller-configmap.yaml"}[cm.Name])
		case admissionv1.Delete:
			o.old = cm
		}
		jobs = append(jobs, job{mutate: i%5 == 0, body: reviewJSON(t, o)})
	}
	run := func(j job) string {
		h := validate
		if j.mutate {
			h = mutate
		}
		return answer(post(t, h, j.body))
	}
	want := make([]string, len(jobs))
	for i, j := range jobs {
		want[i] = run(j)
	}
	verdicts := map[bool]int{}
	for _, w := range want {
		verdicts[strings.Contains(w, "|true|")]++
	}
	if verdicts[true] == 0 || verdicts[false] == 0 {
		t.Fatalf("the mix should hold allowed and denied answers: %v", verdicts)
	}

	got := make([]string, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = run(j)
		}()
	}
	wg.Wait()
	for i := range jobs {
		if got[i] != want[i] {
			t.Errorf("admission %d differs when concurrent:\n got  %s\n want %s", i, got[i], want[i])
		}
	}
}

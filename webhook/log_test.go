package webhook

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-logr/zapr"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/snapshot"
)

// TestOneJSONLinePerDecisionWithoutSecrets logs through zap's JSON encoder
// (as cmd/webhook does) and checks the decision line a user would grep for.
func TestOneJSONLinePerDecisionWithoutSecrets(t *testing.T) {
	var buf bytes.Buffer
	core := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(&buf), zapcore.InfoLevel)
	log := zapr.NewLogger(zap.New(core))

	const secretValue = "s3cr3t-client-secret-value"
	set := guideSettings(t)
	set.Secrets.Read = true
	reader := guideCluster(t, "fixed")
	reader.Objects = append(reader.Objects,
		&policy.Object{Ref: policy.ObjectRef{Kind: "Secret", Namespace: "argo", Name: "argo-workflows-sso"},
			Data: map[string]string{"client-id": "argo-workflows-sso", "client-secret": secretValue}},
		&policy.Object{Ref: policy.ObjectRef{Kind: "Secret", Namespace: "argocd", Name: "argocd-sso-secret"},
			Data: map[string]string{"client-id": "x", "client-secret": secretValue}})
	v := &Validator{Rules: catalogue, Settings: NewStaticSettings(set), Source: &snapshot.Source{Reader: reader}, Log: log}
	h := Handler(v, log, 0)

	rbac := guideConfigMap(t, "as-written", "argocd-rbac-cm.yaml")
	post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Update, object: rbac, old: guideConfigMap(t, "fixed", "argocd-rbac-cm.yaml"), user: "carol@example.com"}))
	for _, file := range []string{"argocd-cm.yaml", "workflow-controller-configmap.yaml"} {
		cm := guideConfigMap(t, "as-written", file)
		post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Create, object: cm}))
	}

	if strings.Contains(buf.String(), secretValue) {
		t.Fatal("a Secret value reached the log")
	}
	var decisions []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if entry["msg"] == "admission decision" {
			decisions = append(decisions, entry)
		}
	}
	if len(decisions) != 3 {
		t.Fatalf("%d decision lines for 3 admissions:\n%s", len(decisions), buf.String())
	}
	d := decisions[0]
	if d["object"] != "argocd/argocd-rbac-cm" || d["user"] != "carol@example.com" || d["verdict"] != "denied" {
		t.Errorf("decision line: %v", d)
	}
	if !strings.Contains(jsonString(d["rules"]), `"RBAC-007"`) {
		t.Errorf("decision line lacks the rule IDs: %v", d["rules"])
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

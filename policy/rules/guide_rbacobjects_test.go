package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/internal/guidetest"
	"github.com/argoguard/argoguard/policy"
)

func TestParseExpectedObjects(t *testing.T) {
	text := "## argocd-cm: allowed\n- ACD-005: x\n" +
		"## AppProject argocd/p: denied\n- PROJ-004 on `spec.roles[0].groups[0]`: display name\n  continued\n" +
		"## ServiceAccount argo/a: allowed\n- WFSA-008 (cluster only) on `metadata.annotations[x]`: missing\n" +
		"## The fixed configuration: allowed\n- anything\n"
	fs, denied, err := guidetest.ParseExpectedObjects(text)
	if err != nil {
		t.Fatal(err)
	}
	want := []guidetest.ExpectedObjectFinding{
		{Object: "AppProject argocd/p", ID: "PROJ-004", Path: "spec.roles[0].groups[0]"},
		{Object: "ServiceAccount argo/a", ID: "WFSA-008", Path: "metadata.annotations[x]", ClusterOnly: true},
	}
	if fmt.Sprint(fs) != fmt.Sprint(want) || !denied["AppProject argocd/p"] || denied["ServiceAccount argo/a"] || len(denied) != 2 {
		t.Errorf("parsed %v %v", fs, denied)
	}
	if _, _, err := guidetest.ParseExpectedObjects("## AppProject argocd/p: denied\n- PROJ-004: no field\n"); err == nil {
		t.Error("a bullet without its field was accepted")
	}
}

// loadRBACObjects reads the AppProjects, ServiceAccounts and Secrets of a
// folder's YAML files (documents separated by ---).
func loadRBACObjects(t *testing.T, dir string) (projects, accounts, secrets []*policy.Object) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no YAML in %s: %v", dir, err)
	}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range strings.Split(string(raw), "\n---\n") {
			var u map[string]any
			if err := yaml.Unmarshal([]byte(doc), &u); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			switch u["kind"] {
			case policy.KindAppProject:
				o, err := policy.AppProjectObject(u)
				if err != nil {
					t.Fatal(err)
				}
				projects = append(projects, o)
			case policy.KindServiceAccount:
				accounts = append(accounts, policy.ServiceAccountObject(u))
			case "Secret":
				meta := u["metadata"].(map[string]any)
				secrets = append(secrets, &policy.Object{Ref: policy.ObjectRef{Kind: "Secret", Namespace: meta["namespace"].(string), Name: meta["name"].(string)}})
			default:
				t.Fatalf("%s: unexpected kind %v", file, u["kind"])
			}
		}
	}
	return projects, accounts, secrets
}

// guideRBACObjectsSnap is the guide's ConfigMaps with its AppProject and
// ServiceAccounts, Secrets read or not.
func guideRBACObjectsSnap(t *testing.T, variant string, secretsKnown bool) *policy.Snapshot {
	s := guideSnap(t, variant)
	s.Projects, s.ServiceAccounts, s.Secrets = loadRBACObjects(t, filepath.Join(guideDir, "sso-rbac", variant))
	s.SecretsKnown = secretsKnown
	return s
}

// objectFindings evaluates the whole catalogue and keeps the findings on
// AppProjects and ServiceAccounts as "Kind ns/name RULE path".
func objectFindings(t *testing.T, s *policy.Snapshot) ([]string, []policy.Finding) {
	t.Helper()
	all, err := evaluate(s)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	var fs []policy.Finding
	for _, f := range all {
		if k := f.Location.Object.Kind; k != policy.KindAppProject && k != policy.KindServiceAccount {
			continue
		}
		keys = append(keys, fmt.Sprintf("%s %s/%s %s %s", f.Location.Object.Kind, f.Location.Object.Namespace, f.Location.Object.Name, f.RuleID, f.Location.Path))
		fs = append(fs, f)
	}
	sort.Strings(keys)
	return keys, fs
}

// The guide's AppProject and ServiceAccounts get exactly the findings of
// expected-findings.md, with and without the Secrets, and an object is
// denied exactly when the file says so.
func TestGuideAsWrittenRBACObjectFindings(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(guideDir, "expected-findings.md"))
	if err != nil {
		t.Fatal(err)
	}
	expected, denied, err := guidetest.ParseExpectedObjects(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(expected) == 0 || len(denied) < 4 {
		t.Fatalf("expected-findings.md lists %d findings on %d AppProjects and ServiceAccounts; its format changed?", len(expected), len(denied))
	}
	for _, secretsKnown := range []bool{false, true} {
		t.Run(fmt.Sprintf("secrets known %v", secretsKnown), func(t *testing.T) {
			var want []string
			for _, e := range expected {
				if e.ClusterOnly && !secretsKnown {
					continue
				}
				want = append(want, fmt.Sprintf("%s %s %s", e.Object, e.ID, e.Path))
			}
			sort.Strings(want)
			got, fs := objectFindings(t, guideRBACObjectsSnap(t, "as-written", secretsKnown))
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				for _, f := range fs {
					t.Log(f.Short())
				}
				t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			deniedGot := map[string]bool{}
			for _, f := range fs {
				if f.Action == policy.ActionDeny {
					deniedGot[f.Location.Object.Kind+" "+f.Location.Object.Namespace+"/"+f.Location.Object.Name] = true
				}
				// The display-name findings name the ID to use.
				if (f.RuleID == "PROJ-004" || f.RuleID == "WFSA-002") && !regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-`).MatchString(f.Message) {
					t.Errorf("%s does not name the group ID: %s", f.RuleID, f.Short())
				}
			}
			for obj, d := range denied {
				if deniedGot[obj] != d {
					t.Errorf("%s: denied %v, expected-findings.md says %v", obj, deniedGot[obj], d)
				}
			}
		})
	}
}

func TestGuideFixedRBACObjectsHaveNoDenyOrWarn(t *testing.T) {
	for _, secretsKnown := range []bool{false, true} {
		_, fs := objectFindings(t, guideRBACObjectsSnap(t, "fixed", secretsKnown))
		for _, f := range fs {
			if f.Action != policy.ActionAudit {
				t.Errorf("fixed configuration: %s (%s)", f.Short(), f.Action)
			}
		}
	}
}

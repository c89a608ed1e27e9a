package settingsfile

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/settings"
)

// FuzzParse feeds arbitrary bytes to the settings parser, with a real
// groups file beside them. Properties: nothing panics; a rejection is an
// error that says it is about the settings; accepted settings are valid,
// and parsing the same bytes again gives the same settings.
func FuzzParse(f *testing.F) {
	guide, err := os.ReadFile("../../test/testdata/guide/argoguard-settings.yaml")
	if err != nil {
		f.Fatal(err)
	}
	groups, err := os.ReadFile("../../test/testdata/guide/aws-groups.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(guide)
	for _, seed := range []string{
		"",
		"mode: audit\n",
		"{\"mode\": \"enforce\", \"rules\": {\"RBAC-010\": \"deny\"}}",
		"rules: {RBAC-01O: deny, DEX-007: block}\n",
		"argocd: {namespace: ArgoCD, configMap: argocd-cm, rbacConfigMap: argocd-cm, url: ':/x'}\n",
		"identity: {provider: generic, sendsGroupIDs: true, groups: [{id: a, name: x}, {id: a}]}\n",
		"identity: {groupsFile: aws-groups.json, groups: [{id: '', name: y}]}\n",
		"invariants: [{name: prod, resource: applications, action: sync, object: 'prod/*', only: [x, '']}]\n",
		"breakGlass: {users: [alice], groups: [oncall], serviceAccounts: [ops/fixer, bad, a/b/c]}\n",
		"adminGroups: &a [x, *a]\n",
		"mode: [\n",
		"defaults: {disabled: true, inAudit: true}\nsecrets: {read: true}\n",
	} {
		f.Add([]byte(seed))
	}
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "aws-groups.json"), groups, 0o600); err != nil {
		f.Fatal(err)
	}
	known := func(id string) bool { return id == "RBAC-010" || id == "DEX-007" }
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, dir, known)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "settings: ") {
				t.Fatalf("error without its subject: %v", err)
			}
			var serr *settings.Error
			if errors.As(err, &serr) && len(serr.Errs) == 0 {
				t.Fatal("a validation error with no problem in it")
			}
			return
		}
		if errs := s.Validate(settings.Options{KnownRule: known}); len(errs) > 0 {
			t.Fatalf("accepted settings fail validation: %v", errs)
		}
		again, err := Parse(data, dir, known)
		if err != nil {
			t.Fatalf("accepted once, rejected the second time: %v", err)
		}
		if !reflect.DeepEqual(s, again) {
			t.Fatal("the same bytes parse to different settings")
		}
		for _, g := range s.Identity.Groups {
			if got, ok := s.GroupByID(g.ID); !ok || got.ID != g.ID {
				t.Fatalf("group %q is not found by its ID", g.ID)
			}
		}
	})
}

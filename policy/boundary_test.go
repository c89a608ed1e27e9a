package policy_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/internal/deps"
)

// TestPolicyImportsNoIO keeps policy/ pure: no HTTP, no Kubernetes client,
// no controller-runtime, no logger anywhere in its dependency graph.
// (Rule code never calls the network: the lesson of ingress-nginx's
// CVE-2025-1974, where configuration checks ran what they checked.)
func TestPolicyImportsNoIO(t *testing.T) {
	deps.Forbid(t, "github.com/argoguard/argoguard/policy/...", []string{
		"net/http",
		"k8s.io/client-go",
		"sigs.k8s.io/controller-runtime",
		"github.com/go-logr/logr",
		"go.uber.org/zap",
		"k8s.io/klog",
		"log/slog",
		"github.com/sirupsen/logrus",
		"os/exec",
		// The settings' schema only; reading them from files is the
		// webhook's and the CLI's business.
		"github.com/argoguard/argoguard/settings/settingsfile",
	}, []string{"github.com/argoguard/argoguard/policy/rules", "github.com/casbin/casbin/v2"})
}

// TestPolicyDoesNoIO: no package of policy/ itself opens files, dials or
// reads a cluster. (os is in every dependency graph through fmt, so the
// check is on what policy's own packages import; net is allowed for its
// address parsing, the dialers being in net/http, which the graph check
// above forbids.)
func TestPolicyDoesNoIO(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}:{{range .Imports}} {{.}}{{end}}",
		"github.com/argoguard/argoguard/policy/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	io := map[string]bool{"os": true, "io/ioutil": true, "io/fs": true, "net/http": true, "os/exec": true, "syscall": true}
	pkgs := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(pkgs) < 5 {
		t.Fatalf("go list listed %d packages: %q", len(pkgs), out)
	}
	for _, line := range pkgs {
		pkg, imports, _ := strings.Cut(line, ":")
		for _, imp := range strings.Fields(imports) {
			if io[imp] || strings.HasPrefix(imp, "k8s.io/client-go") {
				t.Errorf("%s imports %s", pkg, imp)
			}
		}
	}
}

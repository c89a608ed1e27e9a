package manifest

import (
	"reflect"
	"testing"
)

func TestDataKeyLines(t *testing.T) {
	raw := []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-rbac-cm\ndata:\n  policy.default: role:readonly\n  policy.csv: |\n    p, a, b, c, d, allow\n  scopes: '[groups]'\n")
	want := map[string]int{"policy.default": 6, "policy.csv": 8, "scopes": 9}
	if got := DataKeyLines(raw); !reflect.DeepEqual(got, want) {
		t.Fatalf("DataKeyLines = %v, want %v", got, want)
	}
	for _, bad := range []string{"", "data: [1, 2]\n", "data:\n  n: 3\n", "{"} {
		if got := DataKeyLines([]byte(bad)); len(got) != 0 {
			t.Errorf("DataKeyLines(%q) = %v, want none", bad, got)
		}
	}
}

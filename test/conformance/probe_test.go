package conformance

import (
	"testing"

	argorbac "github.com/argoproj/argo-cd/v3/util/rbac"
)

func TestProbe(t *testing.T) {
	if err := argorbac.ValidatePolicy("p, a, b, c, d, allow"); err != nil {
		t.Fatal(err)
	}
}

package policy

import "testing"

// TestLookupSecretIsPerSecret: what a snapshot knows of a Secret depends
// on that Secret alone.
func TestLookupSecretIsPerSecret(t *testing.T) {
	read := &Object{Ref: ObjectRef{Kind: "Secret", Namespace: "argo", Name: "read"}}
	snap := &Snapshot{SecretsKnown: true, Secrets: []*Object{read},
		SecretsUnknown: []ObjectRef{{Kind: "Secret", Namespace: "argocd", Name: "forbidden"}}}
	for _, tc := range []struct {
		snap      *Snapshot
		ns, name  string
		want      SecretState
		wantFound bool
	}{
		{snap, "argo", "read", SecretFound, true},
		{snap, "argocd", "forbidden", SecretUnknown, false},
		{snap, "argo", "missing", SecretAbsent, false},
		{snap, "argocd", "read", SecretAbsent, false},
		{&Snapshot{Secrets: []*Object{read}}, "argo", "read", SecretUnknown, false},
	} {
		o, state := tc.snap.LookupSecret(tc.ns, tc.name)
		if state != tc.want || (o != nil) != tc.wantFound {
			t.Errorf("%s/%s: state %v, object %v; want %v, %v", tc.ns, tc.name, state, o != nil, tc.want, tc.wantFound)
		}
	}
}

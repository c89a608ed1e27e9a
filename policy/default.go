package policy

// Patch sets one data key of a guarded ConfigMap to a new value. Defaults
// are whole-value patches: for YAML values (dex.config, sso) the defaulter
// re-renders the value with the field filled in.
type Patch struct {
	Object ObjectRef `json:"object"`
	Key    string    `json:"key"`
	Value  string    `json:"-"` // the new value; may hold references, never shown in full
	// Field names what was filled in ("connectors[0].config.redirectURI").
	Field string `json:"field"`
	// Reason is the admission warning: what was filled in and why.
	Reason string `json:"reason"`
}

// DefaultFunc returns the patches that fill in required fields of obj, given
// the rest of the snapshot. It never overrides a value the user wrote, and
// applied to its own output it returns nothing (idempotent).
type DefaultFunc func(s *Snapshot, obj *Object) []Patch

// Defaulter is one named default (docs/rules.md, Defaults).
type Defaulter struct {
	ID      string // e.g. "saml-redirect-uri"
	Default DefaultFunc
}

// WithPatches returns o as it is after the patches: a shallow copy with its
// own data map (o itself when there are none), so that several patches of
// one key build on each other.
func (o *Object) WithPatches(patches []Patch) *Object {
	if len(patches) == 0 {
		return o
	}
	cp := *o
	cp.Data = make(map[string]string, len(o.Data)+len(patches))
	for k, v := range o.Data {
		cp.Data[k] = v
	}
	for _, p := range patches {
		cp.Data[p.Key] = p.Value
	}
	return &cp
}

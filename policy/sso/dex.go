package sso

import (
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Dex is argocd-cm's dex.config as Dex and Argo CD read it.
type Dex struct {
	Logger Logger
	// ConnectorsSet says whether a connectors key exists (Argo CD refuses a
	// dex.config without one: "malformed Dex configuration found").
	ConnectorsSet  bool
	ConnectorsLine int
	Connectors     []Connector
	StaticClients  []StaticClient
	// Refs are every string value starting with `$`: Argo CD replaces them
	// with Secret values over the whole config.
	Refs []SecretRef
	// Problems make the config unusable for Argo CD or Dex (ACD-001).
	Problems []Problem
}

// Logger is dex.config's logger.
type Logger struct {
	Level, Format Str
}

// Connector is one entry of connectors.
type Connector struct {
	Index int
	Path  string // connectors[0]
	Line  int
	Type  Str
	ID    Str
	Name  Str
	// Config is the connector's config map as written, in order.
	ConfigSet  bool
	ConfigLine int
	Config     []Field
	// Extra are the connector's keys other than type, id, name and config
	// (and grantTypes): Dex ignores them unless its strict-config feature
	// flag is on, and then refuses to start.
	Extra []Field
	// SAML is the typed config of a saml connector.
	SAML *SAML
}

// Field is one key of a connector's config.
type Field struct {
	Key     string
	KeyLine int
	Value   Str
}

// Get returns the config field whose key matches name. Dex decodes with
// encoding/json, so keys match case-insensitively; an exact match wins.
func (c *Connector) Get(name string) Str {
	var folded *Field
	for i := range c.Config {
		f := &c.Config[i]
		if f.Key == name {
			return f.Value
		}
		if folded == nil && strings.EqualFold(f.Key, name) {
			folded = f
		}
	}
	if folded != nil {
		return folded.Value
	}
	return Str{Path: join(c.Path, "config."+name), KeyLine: c.ConfigLine, Line: c.ConfigLine}
}

// StaticClient is one entry of staticClients.
type StaticClient struct {
	Index        int
	Path         string // staticClients[0]
	Line         int
	ID, IDEnv    Str
	Name         Str
	Secret       Str
	SecretEnv    Str
	Public       Str
	RedirectURIs []Str
	// RedirectURIsSet is false when the key is absent.
	RedirectURIsSet bool
}

// IsPublic reports whether public is true.
func (c *StaticClient) IsPublic() bool { return c.Public.Tag == "!!bool" && c.Public.Value == "true" }

// HasRedirect reports whether u is one of the client's redirectURIs (Dex
// compares the exact string).
func (c *StaticClient) HasRedirect(u string) bool {
	for _, r := range c.RedirectURIs {
		if r.Value == u {
			return true
		}
	}
	return false
}

// SecretRef is a `$name:key` (a Secret labelled part-of=argocd) or `$key`
// (argocd-secret) reference, as Argo CD resolves them.
type SecretRef struct {
	Raw    string // as written, e.g. "$dex-saml:caData"
	Secret string // Secret name; "argocd-secret" for the `$key` form
	Key    string
	// Short is true for the `$key` form.
	Short bool
	Path  string
	Line  int
}

// ParseSecretRef reads a `$name:key` or `$key` reference; ok is false when
// v does not start with `$` or names no key.
func ParseSecretRef(v string) (SecretRef, bool) {
	if !strings.HasPrefix(v, "$") || len(v) < 2 {
		return SecretRef{}, false
	}
	body := v[1:]
	if name, key, found := strings.Cut(body, ":"); found {
		if name == "" || key == "" {
			return SecretRef{}, false
		}
		return SecretRef{Raw: v, Secret: name, Key: key}, true
	}
	return SecretRef{Raw: v, Secret: "argocd-secret", Key: body, Short: true}, true
}

// Known connector types of Dex (cmd/dex/config.go ConnectorsConfig).
var dexConnectorTypes = map[string]bool{
	"mockCallback": true, "mockPassword": true, "ldap": true, "gitea": true, "github": true,
	"gitlab": true, "keystone": true, "oidc": true, "oauth": true, "saml": true, "authproxy": true,
	"linkedin": true, "microsoft": true, "bitbucket-cloud": true, "openshift": true,
	"atlassian-crowd": true, "google": true,
}

// KnownConnectorType reports whether Dex knows the connector type.
func KnownConnectorType(t string) bool { return dexConnectorTypes[t] }

// ParseDex reads a dex.config value. A nil *Dex with an error means the
// value is not YAML at all or exceeds the limits; structural problems
// (not a map, connectors not a list of maps) are in Dex.Problems.
func ParseDex(text string) (*Dex, error) {
	root, err := parseValue(text)
	if err != nil {
		return nil, err
	}
	d := &Dex{}
	if root == nil {
		return d, nil
	}
	w := newWalker()
	root = w.resolve(root)
	if root.Kind != yaml.MappingNode {
		d.Problems = append(d.Problems, Problem{Line: root.Line, Msg: "dex.config is " + kindName(root) + ", not a map"})
		return d, nil
	}
	for _, p := range w.pairs(root) {
		switch p.Key {
		case "logger":
			for _, lp := range w.pairs(p.Value) {
				switch lp.Key {
				case "level":
					d.Logger.Level = str("logger.level", lp.KeyN, lp.Value)
				case "format":
					d.Logger.Format = str("logger.format", lp.KeyN, lp.Value)
				}
			}
		case "connectors":
			d.ConnectorsSet, d.ConnectorsLine = true, p.KeyN.Line
			d.parseConnectors(w, p.Value)
		case "staticClients":
			d.parseStaticClients(w, p.Value)
		}
	}
	d.collectRefs(w, root, "", 0)
	if w.err != nil {
		return nil, w.err
	}
	return d, nil
}

// mapEntry is one map of a list field such as connectors[2].
type mapEntry struct {
	i    int
	path string
	node *yaml.Node
}

// mapEntries returns the maps of the list field (connectors,
// staticClients), recording a problem for a field that is not a list and
// for each item that is not a map (Dex refuses both).
func (d *Dex) mapEntries(w *walker, v *yaml.Node, field, item string) []mapEntry {
	if v.Kind != yaml.SequenceNode {
		d.Problems = append(d.Problems, Problem{Path: field, Line: v.Line, Msg: field + " is " + kindName(v) + ", not a list"})
		return nil
	}
	var out []mapEntry
	for i, n := range w.items(v) {
		path := index(field, i)
		if n.Kind != yaml.MappingNode {
			d.Problems = append(d.Problems, Problem{Path: path, Line: n.Line, Msg: item + " is " + kindName(n) + ", not a map"})
			continue
		}
		out = append(out, mapEntry{i: i, path: path, node: n})
	}
	return out
}

func (d *Dex) parseConnectors(w *walker, v *yaml.Node) {
	for _, e := range d.mapEntries(w, v, "connectors", "connector") {
		i, path, item := e.i, e.path, e.node
		c := Connector{Index: i, Path: path, Line: item.Line}
		for _, p := range w.pairs(item) {
			// Dex decodes the connector list with encoding/json: keys
			// match case-insensitively.
			switch strings.ToLower(p.Key) {
			case "type":
				c.Type = str(join(path, "type"), p.KeyN, p.Value)
			case "id":
				c.ID = str(join(path, "id"), p.KeyN, p.Value)
			case "name":
				c.Name = str(join(path, "name"), p.KeyN, p.Value)
			case "config":
				c.ConfigSet, c.ConfigLine = true, p.KeyN.Line
				cpath := join(path, "config")
				if p.Value.Kind != yaml.MappingNode {
					d.Problems = append(d.Problems, Problem{Path: cpath, Line: p.Value.Line, Msg: "config is " + kindName(p.Value) + ", not a map"})
					continue
				}
				for _, cp := range w.pairs(p.Value) {
					c.Config = append(c.Config, Field{Key: cp.Key, KeyLine: cp.KeyN.Line, Value: str(join(cpath, cp.Key), cp.KeyN, cp.Value)})
				}
			case "granttypes":
			default:
				c.Extra = append(c.Extra, Field{Key: p.Key, KeyLine: p.KeyN.Line, Value: str(join(path, p.Key), p.KeyN, p.Value)})
			}
		}
		if c.Type.Value == "saml" {
			c.SAML = samlFrom(&c)
		}
		d.Connectors = append(d.Connectors, c)
	}
}

func (d *Dex) parseStaticClients(w *walker, v *yaml.Node) {
	for _, e := range d.mapEntries(w, v, "staticClients", "static client") {
		i, path, item := e.i, e.path, e.node
		c := StaticClient{Index: i, Path: path, Line: item.Line}
		// Dex decodes static clients with encoding/json: keys match
		// case-insensitively.
		for _, p := range w.pairs(item) {
			s := str(join(path, p.Key), p.KeyN, p.Value)
			switch strings.ToLower(p.Key) {
			case "id":
				c.ID = s
			case "idenv":
				c.IDEnv = s
			case "name":
				c.Name = s
			case "secret":
				c.Secret = s
			case "secretenv":
				c.SecretEnv = s
			case "public":
				c.Public = s
			case "redirecturis":
				c.RedirectURIsSet = true
				for j, u := range w.items(p.Value) {
					c.RedirectURIs = append(c.RedirectURIs, str(index(join(path, p.Key), j), nil, u))
				}
			}
		}
		d.StaticClients = append(d.StaticClients, c)
	}
}

// collectRefs records every string scalar starting with `$`.
func (d *Dex) collectRefs(w *walker, n *yaml.Node, path string, depth int) {
	n = w.resolve(n)
	if n == nil {
		return
	}
	if depth > MaxDepth {
		// Only an alias that contains itself gets here: checkShape
		// already bounded the written depth.
		if w.err == nil {
			w.err = Problem{Line: n.Line, Msg: fmt.Sprintf("nested more than %d levels deep (an alias contains itself?)", MaxDepth)}
		}
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for _, p := range w.pairs(n) {
			d.collectRefs(w, p.Value, join(path, p.Key), depth+1)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			d.collectRefs(w, c, index(path, i), depth+1)
		}
	case yaml.ScalarNode:
		if n.Tag == "!!str" || n.Tag == "" {
			if r, ok := ParseSecretRef(n.Value); ok {
				r.Path, r.Line = path, n.Line
				d.Refs = append(d.Refs, r)
			}
		}
	}
}

// StaticClientByID returns the last static client with that id (Dex keeps
// the last of duplicates).
func (d *Dex) StaticClientByID(id string) *StaticClient {
	var out *StaticClient
	for i := range d.StaticClients {
		if d.StaticClients[i].ID.Value == id {
			out = &d.StaticClients[i]
		}
	}
	return out
}

// CollectRefs returns every `$` secret reference in a YAML value (used for
// oidc.config, which Argo CD resolves the same way).
func CollectRefs(text string) ([]SecretRef, error) {
	root, err := parseValue(text)
	if err != nil || root == nil {
		return nil, err
	}
	w := newWalker()
	d := &Dex{}
	d.collectRefs(w, root, "", 0)
	return d.Refs, w.err
}

package sso

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// ProblemKind sorts Workflows parse problems by the rule that reports them.
type ProblemKind string

const (
	// WF-001: not YAML, unknown fields, wrong types.
	KindSyntax  ProblemKind = "syntax"
	KindUnknown ProblemKind = "unknown-field"
	KindType    ProblemKind = "type"
	// WF-011: the config key rule, duplicates, scopes, sessionExpiry, regexes.
	KindConfigKey ProblemKind = "config-key"
	KindDuplicate ProblemKind = "duplicate"
	KindScopes    ProblemKind = "scopes"
	KindDuration  ProblemKind = "duration"
	KindRegex     ProblemKind = "regex"
)

// WFProblem is one reason Argo Workflows would refuse its ConfigMap.
type WFProblem struct {
	Problem
	Kind ProblemKind
}

// Workflows is the `sso` config of workflow-controller-configmap, read as
// strictly as Argo Workflows reads it (config/controller.go, config/sso.go).
type Workflows struct {
	// Present is false when the ConfigMap has no sso config.
	Present bool
	// Key is the data key holding sso: "sso", or "config" when one config
	// key holds everything; Prefix is then "sso." for YAML paths.
	Key    string
	Prefix string

	Issuer, IssuerAlias    Str
	RedirectURL            Str
	LogoutRedirectURL      Str
	ClientID, ClientSecret SecretKeyRef
	RBACEnabled            Str
	RBACSet                bool
	Scopes                 []Str
	ScopesSet              bool
	ScopesLine             int
	SessionExpiry          Str
	CustomGroupClaimName   Str
	UserInfoPath           Str
	InsecureSkipVerify     Str
	FilterGroupsRegex      []Str
	RootCA                 Str
	Problems               []WFProblem
}

// SecretKeyRef is a Kubernetes SecretKeySelector (name, key).
type SecretKeyRef struct {
	Set       bool
	Line      int
	Path      string
	Name, Key Str
	Optional  Str
}

// RBAC reports whether rbac.enabled is true.
func (w *Workflows) RBAC() bool {
	return w.RBACEnabled.Tag == "!!bool" && w.RBACEnabled.Value == "true"
}

// HasScope reports whether scopes lists s.
func (w *Workflows) HasScope(s string) bool {
	for _, v := range w.Scopes {
		if v.Value == s {
			return true
		}
	}
	return false
}

// SessionDuration returns sessionExpiry parsed (0, false when unset or bad).
func (w *Workflows) SessionDuration() (time.Duration, bool) {
	if !w.SessionExpiry.Set || w.SessionExpiry.Value == "" {
		return 0, false
	}
	d, err := time.ParseDuration(w.SessionExpiry.Value)
	return d, err == nil
}

// ssoFields maps lower-cased field names to their canonical spelling:
// Argo Workflows decodes through encoding/json, which matches keys
// case-insensitively.
var ssoFields = byLowerCase("issuer", "issuerAlias", "clientId", "clientSecret", "redirectUrl",
	"logoutRedirectUrl", "rbac", "scopes", "sessionExpiry", "customGroupClaimName", "userInfoPath",
	"insecureSkipVerify", "filterGroupsRegex", "rootCA")

func byLowerCase(names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[strings.ToLower(n)] = n
	}
	return m
}

// ParseWorkflows reads workflow-controller-configmap's data.
func ParseWorkflows(data map[string]string) *Workflows {
	w := &Workflows{}
	if cfg, ok := data["config"]; ok {
		w.Key = "config"
		if len(data) > 1 {
			others := make([]string, 0, len(data)-1)
			for k := range data {
				if k != "config" {
					others = append(others, k)
				}
			}
			sort.Strings(others)
			w.add(KindConfigKey, "", 0, fmt.Sprintf("a `config` key must be the only key, but %s is set beside it; Argo Workflows refuses the ConfigMap", strings.Join(others, ", ")))
		}
		root, err := parseValue(cfg)
		if err != nil {
			w.addErr(err)
			return w
		}
		if root == nil {
			return w
		}
		wk := newWalker()
		if r := wk.resolve(root); r == nil || r.Kind != yaml.MappingNode {
			w.add(KindType, "", root.Line, "config is "+kindName(root)+", not a map")
			return w
		}
		for _, p := range wk.pairs(root) {
			if strings.EqualFold(p.Key, "sso") {
				w.Present, w.Prefix = true, "sso."
				w.decode(wk, p.Value)
			}
		}
		if wk.err != nil {
			w.addErr(wk.err)
		}
		return w
	}
	key := "sso"
	if _, ok := data[key]; !ok {
		for k := range data {
			if strings.EqualFold(k, "sso") {
				key = k
			}
		}
	}
	v, ok := data[key]
	w.addStrayFields(data, key)
	if !ok {
		return w
	}
	w.Present, w.Key = true, key
	root, err := parseValue(v)
	if err != nil {
		w.addErr(err)
		return w
	}
	if root == nil {
		return w
	}
	wk := newWalker()
	w.decode(wk, root)
	if wk.err != nil {
		w.addErr(wk.err)
	}
	return w
}

func (w *Workflows) add(kind ProblemKind, path string, line int, msg string) {
	w.Problems = append(w.Problems, WFProblem{Problem: Problem{Path: path, Line: line, Msg: msg}, Kind: kind})
}

func (w *Workflows) addErr(err error) {
	p, ok := err.(Problem)
	if !ok {
		p = Problem{Msg: err.Error()}
	}
	w.Problems = append(w.Problems, WFProblem{Problem: p, Kind: KindSyntax})
}

// addStrayFields reports sso fields written as ConfigMap keys of their own
// (`rbac: |` dedented beside `sso: |`). Argo Workflows joins the keys into one
// document and decodes it strictly (config/config.go, yaml.UnmarshalStrict),
// so an sso field at the top level stops the controller and argo-server.
func (w *Workflows) addStrayFields(data map[string]string, ssoKey string) {
	stray := make([]string, 0, 1)
	for k := range data {
		if k == ssoKey {
			continue
		}
		if canon, ok := ssoFields[strings.ToLower(k)]; ok {
			stray = append(stray, canon)
		}
	}
	sort.Strings(stray)
	for _, f := range stray {
		w.add(KindUnknown, f, 0, fmt.Sprintf("%q is a field of sso written as a ConfigMap key of its own; Argo Workflows refuses unknown top-level fields: indent it under sso", f))
	}
}

// HasProblem reports whether a problem of one of the kinds was found.
func (w *Workflows) HasProblem(kinds ...ProblemKind) bool {
	for _, p := range w.Problems {
		for _, k := range kinds {
			if p.Kind == k {
				return true
			}
		}
	}
	return false
}

func (w *Workflows) decode(wk *walker, n *yaml.Node) {
	n = wk.resolve(n)
	if n == nil {
		return
	}
	if n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.MappingNode {
		w.add(KindType, strings.TrimSuffix(w.Prefix, "."), n.Line, "sso is "+kindName(n)+", not a map")
		return
	}
	seen := map[string]string{}
	for _, p := range wk.pairs(n) {
		path := w.Prefix + p.Key
		canon, known := ssoFields[strings.ToLower(p.Key)]
		if !known {
			w.add(KindUnknown, path, p.KeyN.Line, fmt.Sprintf("unknown field %q%s; Argo Workflows refuses the config", p.Key, suggest(p.Key, ssoFieldNames())))
			continue
		}
		if prev, dup := seen[canon]; dup {
			msg := fmt.Sprintf("%q is set twice", p.Key)
			if prev != p.Key {
				msg = fmt.Sprintf("%q and %q are the same field (keys match case-insensitively); the last one wins", prev, p.Key)
			}
			w.add(KindDuplicate, path, p.KeyN.Line, msg)
		}
		seen[canon] = p.Key
		v := p.Value
		switch canon {
		case "issuer":
			w.Issuer = w.scalarString(path, p.KeyN, v)
		case "issuerAlias":
			w.IssuerAlias = w.scalarString(path, p.KeyN, v)
		case "redirectUrl":
			w.RedirectURL = w.scalarString(path, p.KeyN, v)
		case "logoutRedirectUrl":
			w.LogoutRedirectURL = w.scalarString(path, p.KeyN, v)
		case "customGroupClaimName":
			w.CustomGroupClaimName = w.scalarString(path, p.KeyN, v)
		case "userInfoPath":
			w.UserInfoPath = w.scalarString(path, p.KeyN, v)
		case "rootCA":
			w.RootCA = w.scalarString(path, p.KeyN, v)
		case "clientId":
			w.ClientID = w.secretRef(wk, path, p.KeyN, v)
		case "clientSecret":
			w.ClientSecret = w.secretRef(wk, path, p.KeyN, v)
		case "insecureSkipVerify":
			w.InsecureSkipVerify = w.scalarBool(path, p.KeyN, v)
		case "rbac":
			w.RBACSet = true
			w.RBACEnabled = Str{Path: path + ".enabled", Line: p.KeyN.Line, KeyLine: p.KeyN.Line}
			if v.Tag == "!!null" {
				continue
			}
			if v.Kind != yaml.MappingNode {
				w.add(KindType, path, v.Line, "rbac is "+kindName(v)+", not a map (write `rbac: {enabled: true}`)")
				continue
			}
			for _, rp := range wk.pairs(v) {
				if strings.EqualFold(rp.Key, "enabled") {
					w.RBACEnabled = w.scalarBool(path+"."+rp.Key, rp.KeyN, rp.Value)
				} else {
					w.add(KindUnknown, path+"."+rp.Key, rp.KeyN.Line, fmt.Sprintf("unknown field %q in rbac (only enabled)", rp.Key))
				}
			}
		case "scopes":
			w.ScopesSet, w.ScopesLine = true, p.KeyN.Line
			w.Scopes = w.stringList(wk, path, v, KindScopes)
		case "filterGroupsRegex":
			w.FilterGroupsRegex = w.stringList(wk, path, v, KindType)
			for _, re := range w.FilterGroupsRegex {
				if _, err := regexp.Compile(re.Value); err != nil {
					w.add(KindRegex, re.Path, re.Line, fmt.Sprintf("regular expression does not compile: %v", err))
				}
			}
		case "sessionExpiry":
			w.SessionExpiry = str(path, p.KeyN, v)
			switch {
			case v.Tag == "!!null":
			case v.Kind != yaml.ScalarNode || v.Tag != "!!str":
				w.add(KindDuration, path, v.Line, fmt.Sprintf("sessionExpiry is %s; it must be a Go duration string such as \"10h\"", kindName(v)))
			default:
				if _, err := time.ParseDuration(v.Value); err != nil {
					w.add(KindDuration, path, v.Line, fmt.Sprintf("sessionExpiry %q is not a Go duration (use e.g. \"10h\" or \"30m\")", v.Value))
				}
			}
		}
	}
}

func (w *Workflows) scalarString(path string, k, v *yaml.Node) Str {
	s := str(path, k, v)
	if v.Tag != "!!null" && (v.Kind != yaml.ScalarNode || v.Tag != "!!str") {
		w.add(KindType, path, v.Line, fmt.Sprintf("%s is %s, not a string", path, kindName(v)))
	}
	return s
}

func (w *Workflows) scalarBool(path string, k, v *yaml.Node) Str {
	s := str(path, k, v)
	if v.Tag != "!!null" && (v.Kind != yaml.ScalarNode || v.Tag != "!!bool") {
		w.add(KindType, path, v.Line, fmt.Sprintf("%s is %s, not true or false", path, kindName(v)))
	}
	return s
}

func (w *Workflows) stringList(wk *walker, path string, v *yaml.Node, kind ProblemKind) []Str {
	if v.Tag == "!!null" {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		w.add(kind, path, v.Line, fmt.Sprintf("%s is %s, not a list (write `[%s]`)", path, kindName(v), v.Value))
		return nil
	}
	var out []Str
	for i, it := range wk.items(v) {
		ip := index(path, i)
		if it.Kind != yaml.ScalarNode || it.Tag != "!!str" {
			w.add(KindType, ip, it.Line, fmt.Sprintf("%s is %s, not a string", ip, kindName(it)))
			continue
		}
		out = append(out, str(ip, nil, it))
	}
	return out
}

func (w *Workflows) secretRef(wk *walker, path string, k, v *yaml.Node) SecretKeyRef {
	r := SecretKeyRef{Set: true, Line: k.Line, Path: path}
	r.Name = Str{Path: path + ".name", Line: k.Line, KeyLine: k.Line}
	r.Key = Str{Path: path + ".key", Line: k.Line, KeyLine: k.Line}
	if v.Tag == "!!null" {
		return r
	}
	if v.Kind != yaml.MappingNode {
		w.add(KindType, path, v.Line, fmt.Sprintf("%s is %s; it must name a Secret key: {name: <secret>, key: <key>}", path, kindName(v)))
		return r
	}
	for _, p := range wk.pairs(v) {
		fp := path + "." + p.Key
		switch strings.ToLower(p.Key) {
		case "name":
			r.Name = w.scalarString(fp, p.KeyN, p.Value)
		case "key":
			r.Key = w.scalarString(fp, p.KeyN, p.Value)
		case "optional":
			r.Optional = w.scalarBool(fp, p.KeyN, p.Value)
		default:
			w.add(KindUnknown, fp, p.KeyN.Line, fmt.Sprintf("unknown field %q in a Secret key reference (name, key, optional)", p.Key))
		}
	}
	return r
}

func ssoFieldNames() []string {
	out := make([]string, 0, len(ssoFields))
	for _, v := range ssoFields {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// suggest returns ` (did you mean "x"?)` for the nearest known name, or "".
func suggest(key string, known []string) string {
	if n := Nearest(key, known); n != "" {
		return fmt.Sprintf(" (did you mean %q?)", n)
	}
	return ""
}

// Nearest returns the known name closest to key (edit distance at most 3,
// case-insensitive), or "".
func Nearest(key string, known []string) string {
	best, bestD := "", 4
	lk := strings.ToLower(key)
	for _, k := range known {
		if d := editDistance(lk, strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

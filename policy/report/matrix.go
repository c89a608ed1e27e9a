package report

// The permission matrix: who may do what, answered by the same enforcer
// `argoguard rbac can` uses, so every cell is what that command says for
// the cell's subject, action, resource and object.

import (
	"sort"
	"strconv"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/settings"
)

// Matrix is subjects (columns) against resource/action/object (rows).
type Matrix struct {
	DefaultRole string    `json:"defaultRole"`
	MatchMode   string    `json:"matchMode"` // glob or regex
	Subjects    []Subject `json:"subjects"`
	// Sections group rows by project pattern; the last holds resources
	// that are not project scoped.
	Sections []MatrixSection `json:"sections"`
}

// Subject kinds.
const (
	SubjectEveryone = "everyone" // policy.default: every authenticated user
	SubjectRole     = "role"
	SubjectGroup    = "group"
	SubjectUser     = "user"
)

// Subject is one matrix column.
type Subject struct {
	// Name is what `argoguard rbac can` takes as SUBJECT for this column
	// (for "everyone", the default role itself).
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Display string `json:"display"`
	// Note explains a subject that does not work as written (a group
	// display name when the provider sends IDs).
	Note string `json:"note,omitempty"`
}

// MatrixSection is the rows of one project pattern.
type MatrixSection struct {
	// Pattern is the project/app pattern ("*/*", "team-*/*"); empty for
	// the section of resources that are not project scoped.
	Pattern string `json:"pattern"`
	Title   string `json:"title"`
	// Note warns about a pattern no real object has.
	Note string      `json:"note,omitempty"`
	Rows []MatrixRow `json:"rows"`
}

// MatrixRow is one request: `rbac can SUBJECT ACTION RESOURCE OBJECT`.
type MatrixRow struct {
	Resource string `json:"resource"`
	Action   string `json:"action"`
	Object   string `json:"object"`
	Cells    []Cell `json:"cells"` // one per Matrix.Subjects, same order
}

// Cell is one answer and the line that decides it.
type Cell struct {
	Allowed bool `json:"allowed"`
	// Line is the allow line that grants it (nil when denied); for a
	// denial, the deny line that blocks it, if any.
	Line *LineRef `json:"line,omitempty"`
	// Via is the chain of g lines from the subject to Line's subject.
	Via []LineRef `json:"via,omitempty"`
	// FromDefault: granted to every user through policy.default.
	FromDefault bool `json:"fromDefault,omitempty"`
}

// LineRef points at one policy line.
type LineRef struct {
	Text string `json:"text"`
	// Where is data["policy.csv"] line 6, or built-in policy line 12.
	Where string `json:"where"`
	// Key and Line locate it inside argocd-rbac-cm (Key is "builtin" for
	// Argo CD's built-in policy).
	Key     string `json:"key"`
	Line    int    `json:"line"`
	Builtin bool   `json:"builtin,omitempty"`
	// File and FileLine when the policy was read from a file.
	File     string `json:"file,omitempty"`
	FileLine int    `json:"fileLine,omitempty"`
}

// matrixActions are the actions the matrix asks per resource: what Argo
// CD's server enforces (path actions as their wildcard form).
var matrixActions = []struct {
	resource string
	actions  []string
}{
	{rbac.ResourceApplications, []string{"get", "create", "update", "delete", "sync", "override", "action/*"}},
	{rbac.ResourceApplicationSets, []string{"get", "create", "update", "delete"}},
	{rbac.ResourceLogs, []string{"get"}},
	{rbac.ResourceExec, []string{"create"}},
	{rbac.ResourceProjects, []string{"get", "create", "update", "delete"}},
	{rbac.ResourceClusters, []string{"get", "create", "update", "delete"}},
	{rbac.ResourceRepositories, []string{"get", "create", "update", "delete"}},
	{rbac.ResourceWriteRepositories, []string{"get", "create", "update", "delete"}},
	{rbac.ResourceCertificates, []string{"get", "create", "update", "delete"}},
	{rbac.ResourceGPGKeys, []string{"get", "create", "delete"}},
	{rbac.ResourceAccounts, []string{"get", "update"}},
	{rbac.ResourceExtensions, []string{"invoke"}},
}

// LocalUsers reads argocd-cm's local users: the admin user and every
// accounts.<name>, each with a note when it cannot log in.
func LocalUsers(argocdCM *policy.Object) map[string]string {
	if argocdCM == nil {
		return nil
	}
	d := argocdCM.Data
	out := map[string]string{rbac.UserAdmin: ""}
	if d["admin.enabled"] == "false" {
		out[rbac.UserAdmin] = "local admin disabled (admin.enabled: \"false\")"
	}
	for k := range d {
		name, ok := strings.CutPrefix(k, "accounts.")
		if !ok {
			continue
		}
		name, _, _ = strings.Cut(name, ".")
		switch {
		case d["accounts."+name+".enabled"] == "false":
			out[name] = "local account disabled (accounts." + name + ".enabled: \"false\")"
		case !strings.Contains(d["accounts."+name], "login"):
			out[name] = "local account without the login capability: API keys only"
		default:
			out[name] = ""
		}
	}
	return out
}

// BuildMatrix answers every subject against every row with e. obj is the
// argocd-rbac-cm the enforcer was built from (for file lines); set gives
// group display names (may be nil); users are argocd-cm's local users with
// a note each (LocalUsers; nil when unknown).
func BuildMatrix(e *rbac.Enforcer, obj *policy.Object, set *settings.Settings, users map[string]string) *Matrix {
	return buildMatrix(e, obj, set, users, nil)
}

// buildMatrix is BuildMatrix with extra role columns (the AppProjects'
// roles) after the subjects of the policy.
func buildMatrix(e *rbac.Enforcer, obj *policy.Object, set *settings.Settings, users map[string]string, extra []Subject) *Matrix {
	if set == nil {
		set = settings.Default()
	}
	m := &Matrix{DefaultRole: e.DefaultRole(), MatchMode: "glob"}
	if e.Regex() {
		m.MatchMode = "regex"
	}
	m.Subjects = append(matrixSubjects(e, set, users), extra...)
	ref := lineRefFunc(obj)

	patterns := projectPatterns(e)
	for _, pat := range patterns {
		sec := MatrixSection{Pattern: pat, Title: "Applications in " + pat}
		if pat == "*/*" {
			sec.Title = "Applications in every project (*/*)"
		}
		if !e.Regex() && (strings.HasPrefix(pat, "/") || !strings.Contains(pat, "/")) {
			sec.Note = "no application object has this form (<project>/<name>): lines written with it grant nothing real"
		}
		for _, ra := range matrixActions {
			if !rbac.AppObjectResources[ra.resource] {
				continue
			}
			for _, act := range ra.actions {
				sec.Rows = append(sec.Rows, m.row(e, ref, ra.resource, act, pat))
			}
		}
		m.Sections = append(m.Sections, sec)
	}
	other := MatrixSection{Title: "Other resources (object *)"}
	for _, ra := range matrixActions {
		if rbac.AppObjectResources[ra.resource] {
			continue
		}
		for _, act := range ra.actions {
			other.Rows = append(other.Rows, m.row(e, ref, ra.resource, act, rbac.CLIObject(ra.resource, "*")))
		}
	}
	m.Sections = append(m.Sections, other)
	return m
}

// row answers one request for every subject exactly as Enforcer.Enforce
// (what `rbac can` calls), then explains it with Decide.
func (m *Matrix) row(e *rbac.Enforcer, ref func(*rbac.Line) LineRef, res, act, obj string) MatrixRow {
	row := MatrixRow{Resource: res, Action: act, Object: obj}
	def := e.DefaultRole()
	var byDefault rbac.Decision
	if def != "" {
		byDefault = e.Decide(def, res, act, obj)
	}
	for _, s := range m.Subjects {
		c := Cell{Allowed: e.Enforce(s.Name, res, act, obj)}
		switch d := e.Decide(s.Name, res, act, obj); {
		case c.Allowed && byDefault.Allowed && s.Kind != SubjectRole:
			l := ref(byDefault.Allow[0])
			c.Line, c.FromDefault = &l, s.Kind != SubjectEveryone
			c.Via = refs(ref, e.Path(def, byDefault.Allow[0].Subject()))
		case c.Allowed && d.Allowed:
			l := ref(d.Allow[0])
			c.Line = &l
			c.Via = refs(ref, e.Path(s.Name, d.Allow[0].Subject()))
		case c.Allowed: // a role column granted only through policy.default
			l := ref(byDefault.Allow[0])
			c.Line, c.FromDefault = &l, true
		case len(d.Deny) > 0:
			l := ref(d.Deny[0])
			c.Line = &l
		}
		row.Cells = append(row.Cells, c)
	}
	return row
}

func refs(ref func(*rbac.Line) LineRef, ls []*rbac.Line) []LineRef {
	var out []LineRef
	for _, l := range ls {
		out = append(out, ref(l))
	}
	return out
}

// lineRefFunc renders lines of the policy in obj, with file lines when obj
// was read from a file.
func lineRefFunc(obj *policy.Object) func(*rbac.Line) LineRef {
	return func(l *rbac.Line) LineRef {
		r := LineRef{Text: strings.TrimSpace(l.Text), Where: l.Where(), Key: l.Key, Line: l.Line, Builtin: l.Builtin()}
		if l.Builtin() || obj == nil || obj.Source == nil {
			return r
		}
		r.File = obj.Source.File
		if start, ok := obj.Source.KeyLines[l.Key]; ok && start > 0 {
			r.FileLine = start + l.Line - 1
		}
		return r
	}
}

// matrixSubjects: every user (policy.default), the roles (built-in first),
// then groups and users named in the policy or known from the settings.
func matrixSubjects(e *rbac.Enforcer, set *settings.Settings, users map[string]string) []Subject {
	var out []Subject
	if def := e.DefaultRole(); def != "" {
		out = append(out, Subject{Name: def, Kind: SubjectEveryone, Display: "every user (policy.default: " + def + ")"})
	}
	var roles, principals []string
	for _, n := range e.Names() {
		if e.IsRole(n) {
			roles = append(roles, n)
		} else {
			principals = append(principals, n)
		}
	}
	sort.SliceStable(roles, func(i, j int) bool {
		bi, bj := rbac.IsBuiltinRole(roles[i]), rbac.IsBuiltinRole(roles[j])
		if bi != bj {
			return bi
		}
		return roles[i] < roles[j]
	})
	for _, r := range roles {
		out = append(out, Subject{Name: r, Kind: SubjectRole, Display: r})
	}
	named := map[string]bool{}
	for _, p := range principals {
		named[p] = true
	}
	for _, g := range set.Identity.Groups {
		if !named[g.ID] {
			named[g.ID] = true
			principals = append(principals, g.ID)
		}
	}
	for u := range users {
		if !named[u] {
			named[u] = true
			principals = append(principals, u)
		}
	}
	var subs []Subject
	for _, p := range principals {
		s := Subject{Name: p, Kind: SubjectGroup, Display: set.DisplayName(p)}
		if note, local := users[p]; local {
			s.Kind, s.Note = SubjectUser, note
			if s.Display == p {
				s.Display = p + " (local user)"
			}
		} else if _, known := set.GroupByID(p); !known {
			if g, byName := set.GroupByName(p); byName && set.SendsGroupIDs() {
				s.Note = "a display name: the identity provider sends the group ID " + g.ID + ", so this never matches a login"
			} else if p == "admin" || strings.Contains(p, "@") {
				s.Kind = SubjectUser
			}
		}
		subs = append(subs, s)
	}
	sort.SliceStable(subs, func(i, j int) bool {
		if subs[i].Kind != subs[j].Kind {
			return subs[i].Kind == SubjectGroup
		}
		return subs[i].Display < subs[j].Display
	})
	return append(out, subs...)
}

// projectPatterns are the objects the policy's application lines use
// (what a reader asks about), plus */*, sorted with */* first. `*` is what
// `rbac can` turns into */*.
func projectPatterns(e *rbac.Enforcer) []string {
	set := map[string]bool{"*/*": true}
	// In regex mode a pattern is no request object: ask */* only.
	if p := e.Policy(); p != nil && !e.Regex() {
		for _, l := range p.Lines {
			if l.Type != "p" || !rbac.AppObjectResources[l.Resource()] {
				continue
			}
			if o := l.Object(); o != "" && o != "*" {
				set[o] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i] == "*/*") != (out[j] == "*/*") {
			return out[i] == "*/*"
		}
		return out[i] < out[j]
	})
	return out
}

// Compact renders the reference for a table cell: "policy.csv:6",
// "built-in:12".
func (l LineRef) Compact() string {
	if l.Builtin {
		return "built-in:" + strconv.Itoa(l.Line)
	}
	return l.Key + ":" + strconv.Itoa(l.Line)
}

// CellText is a cell for text tables: "allow policy.csv:6", "allow
// default built-in:4", "deny", "deny policy.csv:3" (an explicit deny).
func CellText(c Cell) string {
	switch {
	case c.Allowed && c.FromDefault:
		return "allow (default) " + c.Line.Compact()
	case c.Allowed && c.Line != nil:
		return "allow " + c.Line.Compact()
	case c.Allowed:
		return "allow"
	case c.Line != nil:
		return "deny " + c.Line.Compact()
	}
	return "deny"
}

// ReferencedLines lists every line the matrix cites, in policy order
// (built-in first), once each: the legend under the tables.
func (m *Matrix) ReferencedLines() []LineRef {
	seen := map[string]bool{}
	var out []LineRef
	add := func(l *LineRef) {
		if l == nil || seen[l.Compact()] {
			return
		}
		seen[l.Compact()] = true
		out = append(out, *l)
	}
	for _, sec := range m.Sections {
		for _, row := range sec.Rows {
			for i := range row.Cells {
				add(row.Cells[i].Line)
				for j := range row.Cells[i].Via {
					add(&row.Cells[i].Via[j])
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Builtin != out[j].Builtin {
			return !out[i].Builtin
		}
		if out[i].Key != out[j].Key {
			return out[i].Key < out[j].Key
		}
		return out[i].Line < out[j].Line
	})
	return out
}

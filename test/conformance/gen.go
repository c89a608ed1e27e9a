// Package conformance checks argoguard's RBAC engine (policy/rbac) against
// Argo CD's own util/rbac: a deterministic generator writes argocd-rbac-cm
// data and requests, and the tests assert that both libraries accept the
// same policies and answer every request alike. It is a separate module so
// that argoguard itself does not depend on Argo CD.
package conformance

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// Query is one Enforce(sub, res, act, obj) request.
type Query struct{ Sub, Res, Act, Obj string }

// Case is one argocd-rbac-cm data map and the requests to ask about it.
type Case struct {
	Name    string // theme/index; Generate(seed, n)[i] reproduces it
	Data    map[string]string
	Queries []Query
	// Groups[i] are group claim values to ask Queries[i] with as a logged-in
	// user (Queries[i].Sub is the user id).
	Groups [][]string
}

// themes each stress one part of Argo CD's reading; every case also gets
// some random noise from the others.
var themes = []string{
	"quoting", "comments", "crlf", "overlays", "regex", "invalid", "effects",
	"default-role", "chains", "cycles", "trailing-spaces", "globs", "star-subject", "mixed", "graph",
}

// Generate returns n cases. Case i depends only on (seed, i).
func Generate(seed uint64, n int, queriesPerCase int) []Case {
	out := make([]Case, n)
	for i := range out {
		g := &gen{r: rand.New(rand.NewPCG(seed, uint64(i))), theme: themes[i%len(themes)], links: map[string][]string{}}
		out[i] = g.build(fmt.Sprintf("%s/%04d", g.theme, i), queriesPerCase)
	}
	return out
}

// rule is a p line the generator wrote, kept to aim queries at it.
type rule struct {
	sub           string
	res, act, obj atom
}

type gen struct {
	r     *rand.Rand
	theme string
	regex bool

	lines   []string            // policy lines in load order, before being split into keys
	rules   []rule              // p lines written (user and built-in)
	links   map[string][]string // role -> members (reverse g)
	names   []string            // every subject or role written
	defRole string
}

func (g *gen) pick(s []string) string { return s[g.r.IntN(len(s))] }
func (g *gen) chance(n int) bool      { return g.r.IntN(n) == 0 }

func (g *gen) atoms() (res, act, obj []atom) {
	if g.regex {
		return regexResources, regexActions, regexObjects
	}
	return globResources, globActions, globObjects
}

func (g *gen) build(name string, nq int) Case {
	data := map[string]string{}
	mode := ""
	switch {
	case g.theme == "regex":
		mode = g.pick([]string{"regex", "regex", "regex", "Regex", "regex "})
	case g.chance(8):
		mode = g.pick(matchModes)
	}
	if mode != "" || g.chance(4) {
		data["policy.matchMode"] = mode
	}
	g.regex = mode == "regex"
	if g.theme == "default-role" || g.chance(5) {
		g.defRole = g.pick(defaultRoles)
		data["policy.default"] = g.defRole
	}
	g.seedBuiltin()

	switch g.theme {
	case "chains":
		g.chain(1 + g.r.IntN(13))
		if g.chance(4) {
			g.defRole = fmt.Sprintf("role:c%d", g.r.IntN(3))
			data["policy.default"] = g.defRole
		}
	case "cycles":
		g.cycle(1 + g.r.IntN(4))
	case "graph":
		g.graph(8 + g.r.IntN(6))
	case "star-subject":
		g.pLine("*", g.pickAtom(0), g.pickAtom(1), g.pickAtom(2), "allow")
		g.gLine("*", g.pick(roles))
	case "default-role":
		g.pLine("role:dev", g.pickAtom(0), g.pickAtom(1), g.pickAtom(2), "allow")
		g.pLine("role:denied", g.pickAtom(0), g.pickAtom(1), g.pickAtom(2), "deny")
		g.pLine("alice", g.pickAtom(0), g.pickAtom(1), g.pickAtom(2), "deny")
	}
	for n := 2 + g.r.IntN(10); n > 0; n-- {
		g.randomLine()
	}
	switch g.theme {
	case "invalid":
		if g.chance(2) {
			g.insert(invalidLines[g.r.IntN(len(invalidLines))](g.r))
		} else {
			g.insert(oddValidLines[g.r.IntN(len(oddValidLines))](g.r))
		}
	case "comments", "quoting", "effects":
		for n := 1 + g.r.IntN(3); n > 0; n-- {
			g.insert(oddValidLines[g.r.IntN(len(oddValidLines))](g.r))
		}
	}
	if g.theme != "invalid" && g.chance(14) {
		g.insert(invalidLines[g.r.IntN(len(invalidLines))](g.r))
	}
	g.split(data)
	qs := g.queries(nq)
	return Case{Name: name, Data: data, Queries: qs, Groups: g.groups(len(qs))}
}

// seedBuiltin records the built-in policy's rules so queries probe them.
func (g *gen) seedBuiltin() {
	for _, res := range []string{"applications", "applicationsets", "clusters", "repositories", "projects", "logs", "exec", "accounts"} {
		g.rules = append(g.rules, rule{"role:readonly", a(res), a("get"), a("*/*", "proj-a/app1", "in-cluster")})
	}
	for _, act := range []string{"create", "update", "delete", "sync", "override"} {
		g.rules = append(g.rules, rule{"role:admin", a("applications"), a(act, act, act+"/apps/Deployment/default/web"), a("*/*", "proj-a/app1")})
	}
	g.links["role:admin"] = append(g.links["role:admin"], "admin")
	g.links["role:readonly"] = append(g.links["role:readonly"], "role:admin")
}

func (g *gen) pickAtom(which int) atom {
	res, act, obj := g.atoms()
	return [][]atom{res, act, obj}[which][g.r.IntN(len([][]atom{res, act, obj}[which]))]
}

func (g *gen) effect() string {
	if g.theme == "effects" {
		return g.pick(effects)
	}
	if g.chance(4) {
		return "deny"
	}
	if g.chance(12) {
		return g.pick(effects)
	}
	return "allow"
}

func (g *gen) subject() string {
	switch g.r.IntN(3) {
	case 0:
		return g.pick(roles)
	default:
		u := g.pick(users)
		if g.theme == "trailing-spaces" && g.chance(3) {
			u += " "
		}
		return u
	}
}

func (g *gen) pLine(sub string, res, act, obj atom, eft string) {
	g.rules = append(g.rules, rule{sub, res, act, obj})
	g.names = append(g.names, sub)
	g.lines = append(g.lines, render(g.r, "p", []string{sub, res.pat, act.pat, obj.pat, eft}, g.theme == "trailing-spaces"))
}

func (g *gen) gLine(member, role string) {
	g.links[role] = append(g.links[role], member)
	g.names = append(g.names, member, role)
	g.lines = append(g.lines, render(g.r, "g", []string{member, role}, g.theme == "trailing-spaces"))
}

func (g *gen) randomLine() {
	switch g.r.IntN(10) {
	case 0, 1, 2:
		g.gLine(g.subject(), g.pick(roles))
	case 3:
		g.lines = append(g.lines, g.pick(comments))
	default:
		g.pLine(g.subject(), g.pickAtom(0), g.pickAtom(1), g.pickAtom(2), g.effect())
	}
}

// insert puts a raw line at a random position.
func (g *gen) insert(line string) {
	g.lines = slices.Insert(g.lines, g.r.IntN(len(g.lines)+1), line)
}

// chain writes user -> role:c0 -> ... -> role:c(n-1) with a grant on the
// last role, lines shuffled; sometimes a shortcut makes a second path.
func (g *gen) chain(n int) {
	start := len(g.lines)
	prev := g.pick([]string{"alice", "bob", "9067b2d4-4031-70fd-4a94-2a4c12e6fca8"})
	for i := range n {
		role := fmt.Sprintf("role:c%d", i)
		g.gLine(prev, role)
		prev = role
	}
	g.pLine(prev, g.pickAtom(0), g.pickAtom(1), g.pickAtom(2), "allow")
	if g.chance(3) {
		g.gLine("role:c0", fmt.Sprintf("role:c%d", g.r.IntN(n)))
	}
	if g.chance(3) {
		g.pLine(fmt.Sprintf("role:c%d", g.r.IntN(n)), g.pickAtom(0), g.pickAtom(1), g.pickAtom(2), "deny")
	}
	tail := g.lines[start:]
	g.r.Shuffle(len(tail), func(i, j int) { tail[i], tail[j] = tail[j], tail[i] })
}

// cycle writes role:k0 -> role:k1 -> ... -> role:k0 with grants on some
// members and users entering the cycle.
func (g *gen) cycle(n int) {
	for i := range n {
		g.gLine(fmt.Sprintf("role:k%d", i), fmt.Sprintf("role:k%d", (i+1)%n))
	}
	g.gLine(g.pick([]string{"alice", "bob"}), fmt.Sprintf("role:k%d", g.r.IntN(n)))
	g.pLine(fmt.Sprintf("role:k%d", g.r.IntN(n)), g.pickAtom(0), g.pickAtom(1), g.pickAtom(2), "allow")
	if g.chance(2) {
		g.pLine(fmt.Sprintf("role:k%d", g.r.IntN(n)), g.pickAtom(0), g.pickAtom(1), g.pickAtom(2), "deny")
	}
	if g.chance(2) {
		g.gLine(fmt.Sprintf("role:k%d", g.r.IntN(n)), "role:admin")
	}
}

// graph writes a path role:n0 -> ... -> role:nL (L around the 10-hop
// limit) plus random extra links (shortcuts, back edges, self links), users
// entering at random nodes, and allow/deny grants on random nodes: several
// paths of different lengths lead to the same role.
func (g *gen) graph(length int) {
	node := func(i int) string { return fmt.Sprintf("role:n%d", i) }
	start := len(g.lines)
	for i := range length {
		g.gLine(node(i), node(i+1))
	}
	for range 2 + g.r.IntN(length) {
		g.gLine(node(g.r.IntN(length+1)), node(g.r.IntN(length+1)))
	}
	for _, u := range []string{"alice", "bob", "carol@example.com"} {
		g.gLine(u, node(g.r.IntN(3)))
	}
	for range 2 + g.r.IntN(3) {
		eft := "allow"
		if g.chance(3) {
			eft = "deny"
		}
		g.pLine(node(g.r.IntN(length+1)), g.pickAtom(0), g.pickAtom(1), g.pickAtom(2), eft)
	}
	tail := g.lines[start:]
	g.r.Shuffle(len(tail), func(i, j int) { tail[i], tail[j] = tail[j], tail[i] })
}

// overlayKeys are keys Argo CD joins (after policy.csv, sorted);
// decoyKeys look similar but are not read as policy.
var (
	overlayKeys = []string{
		"policy..csv", "policy.default.csv", "policy.a.csv", "policy.b.csv", "policy.Z.csv",
		"policy.10.csv", "policy.9.csv", "policy.matchMode.csv", "policy.csv.csv", "policy._.csv",
	}
	decoyKeys = []string{"policy.csv.bak", "policy.CSV", "Policy.a.csv", "policy.a.CSV", "policy-a.csv", "policy.csv.txt", "policy.scopes"}
)

// split distributes the lines over policy.csv and overlays, joins them
// with LF or CRLF and adds blank lines; decoy keys get lines that would
// change the answer (or break the policy) if they were read.
func (g *gen) split(data map[string]string) {
	keys := []string{"policy.csv"}
	if g.theme == "overlays" || g.chance(6) {
		n := 1 + g.r.IntN(4)
		for range n {
			keys = append(keys, g.pick(overlayKeys))
		}
		if g.chance(4) {
			keys = keys[1:] // no policy.csv at all
		}
		if g.chance(2) {
			data[g.pick(decoyKeys)] = g.pick([]string{
				"p, bob, *, *, */*, allow", "g, bob, role:admin", invalidLines[g.r.IntN(len(invalidLines))](g.r),
			})
		}
	}
	nl := "\n"
	if g.theme == "crlf" || g.chance(10) {
		nl = "\r\n"
	}
	parts := map[string][]string{}
	for _, l := range g.lines {
		k := keys[g.r.IntN(len(keys))]
		if g.theme == "crlf" && g.chance(5) {
			l += "\r"
		}
		if g.chance(10) {
			parts[k] = append(parts[k], g.pick(comments))
		}
		parts[k] = append(parts[k], l)
	}
	for _, k := range keys {
		v := strings.Join(parts[k], nl)
		if g.chance(3) {
			v += nl
		}
		data[k] = v
	}
}

// queries aims most requests at written rules (through their members),
// the rest at random names and values.
func (g *gen) queries(n int) []Query {
	qs := make([]Query, 0, n)
	for len(qs) < n {
		var q Query
		switch g.r.IntN(10) {
		case 0, 1, 2, 3, 4, 5:
			ru := g.rules[g.r.IntN(len(g.rules))]
			q = Query{g.member(ru.sub), g.pick(ru.res.hits), g.pick(ru.act.hits), g.pick(ru.obj.hits)}
			if g.chance(5) {
				q.Obj = g.pick(plainObjects)
			}
		case 6, 7:
			sub := g.pick(users)
			if len(g.names) > 0 && g.chance(2) {
				sub = g.pick(g.names)
			}
			q = Query{sub, g.pick(plainResources), g.pick(plainActions), g.pick(plainObjects)}
		case 8:
			q = Query{g.pick([]string{"admin", "role:admin", "role:readonly", g.defRole}), g.pick(plainResources), g.pick(plainActions), g.pick(plainObjects)}
		default:
			q = Query{g.pick([]string{"", "*", "bob ", "nobody", "role:c11", "role:c9"}), g.pick(plainResources), g.pick(plainActions), g.pick(plainObjects)}
		}
		qs = append(qs, q)
	}
	return qs
}

// groups picks 0-3 group claim values per query: names the policy uses
// (some only as p subjects, which Argo CD's group pre-filter skips) and
// names it does not.
func (g *gen) groups(n int) [][]string {
	out := make([][]string, n)
	for i := range out {
		for range g.r.IntN(4) {
			if len(g.names) > 0 && !g.chance(4) {
				out[i] = append(out[i], g.pick(g.names))
			} else {
				out[i] = append(out[i], g.pick(users))
			}
		}
	}
	return out
}

// member walks up to 12 g links backwards from role, so queries reach
// roles through chains of every length.
func (g *gen) member(role string) string {
	sub := role
	for range g.r.IntN(13) {
		ms := g.links[sub]
		if len(ms) == 0 {
			break
		}
		sub = ms[g.r.IntN(len(ms))]
	}
	return sub
}

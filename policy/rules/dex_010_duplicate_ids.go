package rules

// DEX-010 forbids duplicate connector ids and static client ids: Dex keeps
// only the last static client of an id, and duplicate connector ids make
// logins go to whichever connector Dex registered last.

import (
	"fmt"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

var ruleDEX010 = policy.Rule{
	ID: "DEX-010", Title: "duplicate connector or static client id", Severity: policy.SeverityMedium,
	Category: "dex", Action: policy.ActionDeny,
	Doc: "Dex keys connectors and static clients by id; with duplicates the last one wins and the first is " +
		"silently dropped (its redirectURIs, its secret). Give each entry its own id." +
		" Source: Dex: storage/static.go (WithStaticConnectors, WithStaticClients key entries by id); the earlier entry is dead.",
	Check: checkDuplicateIDs,
}

func checkDuplicateIDs(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok || in.cm.Dex == nil {
		return nil
	}
	var out []policy.Finding
	dup := func(kind string, ids []sso.Str) {
		first := map[string]sso.Str{}
		for _, id := range ids {
			if id.Value == "" {
				continue
			}
			if f, seen := first[id.Value]; seen {
				out = append(out, policy.Finding{
					Location: in.atDex(id),
					Message:  fmt.Sprintf("%s id %q is used again (first at line %d); Dex keeps only the last", kind, id.Value, f.Line),
					Fix:      "give each " + kind + " its own id, or merge the two entries",
				})
				continue
			}
			first[id.Value] = id
		}
	}
	var conn, clients []sso.Str
	for _, c := range in.cm.Dex.Connectors {
		conn = append(conn, c.ID)
	}
	for _, c := range in.cm.Dex.StaticClients {
		clients = append(clients, c.ID)
	}
	dup("connector", conn)
	dup("static client", clients)
	return out
}

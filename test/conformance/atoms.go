package conformance

// The vocabulary the generator draws from. Each pattern atom carries
// "hits": concrete request values chosen to probe it (some match, some are
// near misses), so that generated queries exercise allow and deny paths
// instead of almost always answering "no".

// atom is one policy field value and request values to probe it with.
type atom struct {
	pat  string
	hits []string
}

func a(pat string, hits ...string) atom {
	if len(hits) == 0 {
		hits = []string{pat}
	}
	return atom{pat: pat, hits: hits}
}

// Glob mode (github.com/gobwas/glob with no separators).
var (
	globResources = []atom{
		a("applications"), a("applicationsets"), a("clusters"), a("repositories"), a("projects"),
		a("logs"), a("exec"), a("accounts"), a("certificates"), a("gpgkeys"), a("extensions"),
		a("*", "applications", "clusters", "anything", ""),
		a("**", "applications", "logs"),
		a("application*", "applications", "applicationsets", "app"),
		a("app?ications", "applications", "appXications", "apications"),
		a("[a-c]*", "clusters", "applications", "certificates", "logs"),
		a("{applications,projects}", "applications", "projects", "clusters"),
		a("Applications", "applications", "Applications"),
		a("[!l]ogs", "logs", "xogs"),
		a(`\*`, "*", "applications"),
		a("applications ", "applications", "applications "),
		a("[abc", "[abc", "applications"),
		a("{app", "{app", "app"),
		a("[]", "[]", "a"),
		a("{,}", "", ",", "{,}"),
		a("{a,{b,c}}", "a", "b", "c"),
		a("*?*", "ab", "a", ""),
		a("{a,}", "a", "", "b"),
		a("[z-a]", "m", "z"),
		a("[a-]", "a", "-"),
		a("[!]", "!", "a"),
		a("{*,a}", "abc", "a"),
		a("a**b", "ab", "axxb"),
		a("{}", "", "{}"),
		a(`\`, `\`, "a"),
		a(`app\`, "app", `app\`),
		a("ünï*", "ünïcode", "uni"),
		a(`clu\ster?`, "clusters", "cluster"),
		a("\xff*", "\xffx", "x"),
	}
	globActions = []atom{
		a("get"), a("create"), a("update"), a("delete"), a("sync"), a("override"), a("invoke"),
		a("action/*", "action/apps/Deployment/restart", "action/", "action"),
		a("update/*", "update/apps/Deployment/default/web", "update"),
		a("delete/*", "delete/v1/Pod/default/web-0", "delete"),
		a("*", "get", "sync", "action/apps/Deployment/restart"),
		a("{get,sync}", "get", "sync", "create"),
		a("[gs]*", "get", "sync", "create"),
		a("s?nc", "sync", "snc"),
		a("[!g]et", "get", "set"),
		a("action/apps/Deployment/restart"),
		a("get ", "get ", "get"),
		a("GET", "get", "GET"),
		a("[abc", "get", "[abc"),
		a("{get", "get", "{get"),
		a(`get\`, "get", `get\`),
		a("", "", "get"),
	}
	globObjects = []atom{
		a("*/*", "proj-a/app1", "default/guestbook", "*", "noslash"),
		a("*", "proj-a/app1", "in-cluster", ""),
		a("proj-a/*", "proj-a/app1", "proj-a/ns/app", "proj-b/app1", "proj-a"),
		a("proj-?/*", "proj-a/app1", "proj-bb/app1"),
		a("proj-[ab]/app*", "proj-a/app1", "proj-b/app22", "proj-c/app1"),
		a("{proj-a,default}/*", "proj-a/x", "default/guestbook", "proj-b/x"),
		a("*/app1", "proj-a/app1", "default/app1", "proj-a/app2"),
		a("proj-a/app1"), a("default/*", "default/guestbook", "default"),
		a("proj-a", "proj-a", "proj-a/app1"),
		a("https://github.com/org/*", "https://github.com/org/repo", "https://gitlab.com/org/repo"),
		a("in-cluster"),
		a("[a-", "[a-", "a"),
		a("*/*/*", "a/b/c", "a/b"),
		// literal-and-star globs, probed with overlaps and invalid UTF-8
		a("a*a", "a", "aa", "aba", "a\xffa", "aéa"),
		a("ab*ba", "aba", "abba", "abxba", "ab\xffba"),
		a("*ab*ab*", "abab", "ab", "aabab", "ab\xffab", "abaab"),
		a("é*", "é", "éx", "\xc3", "e"),
		a("*é", "é", "\xa9", "xé"),
		a("*\xa9", "\xa9", "é"),
		a("x*y*z", "xyz", "xy", "x\xffy\xffz", "xzyz", "xyzyz"),
		a("**a**", "a", "ba", ""),
		a("proj-a/*/*", "proj-a/ns/app", "proj-a/app1", "proj-a//"),
		a("*-*-*", "a-b-c", "a--", "--", "a-b"),
	}
)

// Regex mode (Go regexp, unanchored, as casbin's RegexMatch).
var (
	regexResources = []atom{
		a("^applications$", "applications", "applicationsets"),
		a("applications", "applications", "applicationsets", "myapplications"),
		a(".*", "clusters", ""),
		a("^app", "applications", "apps", "clusters"),
		a("^(clusters|projects)$", "clusters", "projects", "logs"),
		a("applications|logs", "logs", "applications", "exec"),
		a("Applications", "applications"),
		a("^$", "", "x"),
		a("(", "applications"),
		a("*", "applications", "*"),
		a("[a-", "applications"),
		a("applications"), a("clusters"), a("projects"),
	}
	regexActions = []atom{
		a("^get$", "get", "get2", "forget"),
		a("get|sync", "get", "sync", "forget"),
		a("^action/.*", "action/apps/Deployment/restart", "action"),
		a(".*", "get", ""),
		a("^(get|sync)$", "get", "sync", "create"),
		a("update/.*", "update/apps/Deployment/default/web", "update"),
		a("^(create|update)$", "create", "update", "delete"),
		a("get", "get", "target"),
		a("{get,sync}", "{get,sync}", "get"),
		a("?", "get"),
		a("+", "get"),
		a(`\`, "get"),
		a("sync"), a("delete"),
	}
	regexObjects = []atom{
		a("^proj-a/.*$", "proj-a/app1", "proj-a/", "xproj-a/app1"),
		a(".*", "proj-a/app1", ""),
		a("proj-a/", "proj-a/app1", "myproj-a/app1", "proj-b/x"),
		a("^default/", "default/guestbook", "xdefault/x"),
		a(`^proj-[ab]/app\d+$`, "proj-a/app1", "proj-b/app22", "proj-a/appx"),
		a("^(a|b){1,3}$", "ab", "abab", "c"),
		a("app1$", "proj-a/app1", "proj-a/app10"),
		a("", "anything", ""),
		a("*/*", "proj-a/app1"),
		a("(?i)^PROJ-A/", "proj-a/app1", "PROJ-A/x"),
		a("[", "proj-a/app1"),
	}
)

// Effects, weighted toward allow and deny, with the spellings casbin
// silently treats as "no effect".
var effects = []string{
	"allow", "allow", "allow", "allow", "allow", "allow", "deny", "deny", "deny",
	"Allow", "ALLOW", "Deny", "", "allow # note", "deny # temporary", "permit", "allow ", " deny",
}

// Subjects: users, groups (IAM Identity Center group IDs), roles, and the
// odd ones (star, empty, trailing space, quotes, commas, non-ASCII).
var (
	users = []string{
		"alice", "bob", "carol@example.com", "dave", "admin", "Alice",
		"9067b2d4-4031-70fd-4a94-2a4c12e6fca8", "9067B2D4-4031-70FD-4A94-2A4C12E6FCA8",
		"team, ops", "*", "", "bob ", " bob", "proj:p1:ci", "o'neil", `say "hi"`, "ünï", "x\u00a0y", "#hash",
		"bad\xffutf8", "tab\tin", "a\u0085", "role:admin\u200b",
	}
	roles = []string{
		"role:readonly", "role:admin", "role:dev", "role:ops", "role:audit", "role:none", "role:missing",
		"role:dev ", "Role:Admin",
	}
	defaultRoles = []string{
		"role:readonly", "role:admin", "role:readonly ", " role:readonly", "role:dev", "role:missing",
		"alice", "role:denied", "*", "role:Readonly", "",
	}
	matchModes = []string{"", "glob", "regex", "Regex", "regex ", "REGEX", "glob ", "re"}
)

// Request values that are not tied to any atom.
var (
	plainResources = []string{
		"applications", "applicationsets", "clusters", "repositories", "write-repositories", "projects",
		"logs", "exec", "accounts", "certificates", "gpgkeys", "extensions", "*", "", "Applications",
	}
	plainActions = []string{
		"get", "create", "update", "delete", "sync", "override", "invoke", "action/apps/Deployment/restart",
		"update/apps/Deployment/default/web", "delete/v1/Pod/default/web-0", "*", "", "Get",
	}
	plainObjects = []string{
		"proj-a/app1", "proj-b/app2", "default/guestbook", "*", "*/*", "proj-a", "in-cluster",
		"https://github.com/org/repo", "proj-a/ns/app", "", "default/*", "proj-a/\xffapp", "prój-a/app1", "proj-a/app1\u00a0",
	}
)

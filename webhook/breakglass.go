package webhook

import (
	"slices"
	"strings"

	authenticationv1 "k8s.io/api/authentication/v1"

	"github.com/argoguard/argoguard/settings"
)

// breakGlassMatch returns what made the requester a break-glass requester
// ("user alice", "group platform-oncall", "serviceaccount ops/fixer"), or ""
// when it is not one.
func breakGlassMatch(bg settings.BreakGlass, u authenticationv1.UserInfo) string {
	if slices.Contains(bg.Users, u.Username) && u.Username != "" {
		return "user " + u.Username
	}
	for _, g := range u.Groups {
		if slices.Contains(bg.Groups, g) {
			return "group " + g
		}
	}
	const saPrefix = "system:serviceaccount:"
	if rest, ok := strings.CutPrefix(u.Username, saPrefix); ok {
		nsName := strings.Replace(rest, ":", "/", 1)
		if slices.Contains(bg.ServiceAccounts, nsName) {
			return "serviceaccount " + nsName
		}
	}
	return ""
}

package policy

import "github.com/argoguard/argoguard/settings"

// Effect is what a finding with action a does to a change in mode: the one
// place the mode turns an action into a verdict. In enforce mode the action
// stands; in audit mode nothing is refused, so a deny is shown as a warning.
func Effect(a Action, mode settings.Mode) Action {
	if a == ActionDeny && mode == settings.ModeAudit {
		return ActionWarn
	}
	return a
}

package rules

import "testing"

func TestACD009(t *testing.T) {
	runSSOTable(t, "ACD-009", []ssoCase{
		{name: "debug", tweak: replaceDex("level: info", "level: debug"), want: 1, contains: "debug", path: "logger.level", line: 2},
		{name: "DEBUG", tweak: replaceDex("level: info", "level: DEBUG"), want: 1},
		{name: "warn", tweak: replaceDex("level: info", "level: warn"), want: 0},
	})
}

func TestACD010(t *testing.T) {
	runSSOTable(t, "ACD-010", []ssoCase{
		{name: "other environment", tweak: setACD("url", "https://argocd.staging.example.com"), want: 1, contains: "differs from the expected https://argocd.example.com"},
		{name: "no expectation", tweak: func(f *ssoFixture) { f.settings = "{}"; f.acd["url"] = "https://x.example.com" }, want: 0},
	})
}

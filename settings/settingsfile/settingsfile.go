// Package settingsfile reads argoguard's settings from files: the settings
// file and the groups file it names, relative to the settings file's
// folder. The schema, defaults and validation are package settings, which
// reads no files, so that policy/ can depend on it.
package settingsfile

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/argoguard/argoguard/settings"
)

// Load reads the settings file at path. knownRule is the rule catalogue's
// check (the registry's Known), so that an override of an unknown rule is
// an error; nil leaves rule IDs unchecked (the file is then only checked
// for its own shape).
func Load(path string, knownRule func(string) bool) (*settings.Settings, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	return Parse(data, filepath.Dir(path), knownRule)
}

// Parse reads settings given as bytes whose relative groupsFile is read
// from dir.
func Parse(data []byte, dir string, knownRule func(string) bool) (*settings.Settings, error) {
	return settings.ParseWith(data, settings.Options{
		KnownRule:      knownRule,
		ReadGroupsFile: func(name string) ([]byte, error) { return os.ReadFile(resolve(dir, name)) },
	})
}

// GroupsPath is the groups file the settings loaded from path read (""
// for none).
func GroupsPath(path string, s *settings.Settings) string {
	if s.Identity.GroupsFile == "" {
		return ""
	}
	return resolve(filepath.Dir(path), s.Identity.GroupsFile)
}

func resolve(dir, name string) string {
	if name != "" && !filepath.IsAbs(name) && dir != "" {
		return filepath.Join(dir, name)
	}
	return name
}

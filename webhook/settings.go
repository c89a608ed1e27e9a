package webhook

import (
	"context"
	"hash/maphash"
	"os"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"

	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/settings/settingsfile"
)

// SettingsStore holds the settings in force. Every admission takes one
// consistent version with Current; Start re-reads the file while the
// manager runs.
type SettingsStore struct {
	path      string
	knownRule func(string) bool // the rule-ID check of every reload
	interval  time.Duration
	log       logr.Logger
	current   atomic.Pointer[settings.Settings]
	// lastErr is the last reload error logged, so a bad file is logged once
	// per distinct error, not on every poll.
	lastErr string
	// subsMu guards onChange, which is called, in order, after a new version
	// is stored (the cluster reader's watches, Events, the audit trigger).
	subsMu   sync.Mutex
	onChange []func(*settings.Settings)
	// onReject is called once per distinct rejection of the file.
	onReject func(error)
	// sourceSum is a hash of the files the settings in force were read
	// from: a poll that finds them unchanged parses nothing (a groups file
	// of thousands of groups takes milliseconds to parse, on the cores
	// that answer admissions).
	sourceSum uint64
}

var sourceSeed = maphash.MakeSeed()

// sourcesSum hashes the settings file and the groups file set names (read
// now); false when either cannot be read.
func sourcesSum(path string, set *settings.Settings) (uint64, bool) {
	var h maphash.Hash
	h.SetSeed(sourceSeed)
	for _, p := range []string{path, settingsfile.GroupsPath(path, set)} {
		if p == "" {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return 0, false
		}
		h.Write(data)
		h.WriteByte(0)
	}
	return h.Sum64(), true
}

// LoadSettingsStore reads the settings file, checking its rule overrides
// against knownRule (the registry's Known: an override of an unknown rule
// is an error). A missing or bad file is an error: the webhook refuses to
// start with it.
func LoadSettingsStore(path string, knownRule func(string) bool, interval time.Duration, log logr.Logger) (*SettingsStore, error) {
	s, err := settingsfile.Load(path, knownRule)
	if err != nil {
		return nil, err
	}
	if interval <= 0 {
		interval = 2 * time.Second
	}
	st := &SettingsStore{path: path, knownRule: knownRule, interval: interval, log: log.WithName("settings")}
	st.current.Store(s)
	settingsRejected.Set(0)
	return st, nil // sourceSum 0: the first poll parses once more and notes the sum
}

// NewStaticSettings returns a store that never reloads (tests, the CLI).
func NewStaticSettings(s *settings.Settings) *SettingsStore {
	st := &SettingsStore{}
	st.current.Store(s)
	return st
}

// Current returns the settings in force. Never nil.
func (st *SettingsStore) Current() *settings.Settings { return st.current.Load() }

// OnChange adds f to the functions called with each new settings version,
// in the order they were added. f runs on the goroutine that reloads and
// should return quickly.
func (st *SettingsStore) OnChange(f func(*settings.Settings)) {
	st.subsMu.Lock()
	defer st.subsMu.Unlock()
	st.onChange = append(st.onChange, f)
}

// OnReject registers f to be called when a reload is refused, once per
// distinct error (see SettingsEvents).
func (st *SettingsStore) OnReject(f func(error)) { st.onReject = f }

// Start polls the settings file until ctx ends. Polling (rather than
// fsnotify) follows the symlink swap Kubernetes uses for ConfigMap volumes
// without special cases. It runs on every replica.
func (st *SettingsStore) Start(ctx context.Context) error {
	if st.path == "" {
		<-ctx.Done()
		return nil
	}
	t := time.NewTicker(st.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			st.Reload()
		}
	}
}

// Reload reads the file once. A bad file, or one that moves the guarded
// objects (settings.GuardedChanges), is refused: the last good settings stay
// in force, and the refusal is logged, counted and reported to OnReject. It
// reports whether the settings changed.
func (st *SettingsStore) Reload() bool {
	// Unchanged files (with the groups file the settings in force name):
	// nothing to parse. A changed settings file may name another groups
	// file; it is parsed and hashed anew.
	sum, ok := sourcesSum(st.path, st.Current())
	if ok && sum == st.sourceSum && st.lastErr == "" {
		return false
	}
	next, err := settingsfile.Load(st.path, st.knownRule)
	if err == nil {
		if errs := settings.GuardedChanges(st.Current(), next); len(errs) > 0 {
			err = &settings.Error{Errs: errs}
		}
	}
	if err != nil {
		st.reject(err)
		return false
	}
	if st.lastErr != "" {
		st.log.Info("settings file accepted again", "file", st.path)
	}
	st.lastErr = ""
	settingsRejected.Set(0)
	// The sum was taken before parsing, with the groups file of the
	// settings then in force: a change made meanwhile, or a groups file the
	// new settings name, gives another sum at the next poll, which parses.
	st.sourceSum = sum
	if reflect.DeepEqual(next, st.Current()) {
		return false
	}
	st.current.Store(next)
	st.log.Info("settings reloaded", "file", st.path, "mode", next.Mode)
	st.subsMu.Lock()
	subs := st.onChange
	st.subsMu.Unlock()
	for _, f := range subs {
		f(next)
	}
	return true
}

// reject records a refused reload: the gauge says so until a good file
// comes; the log line, the counter and OnReject once per distinct error,
// not on every poll.
func (st *SettingsStore) reject(err error) {
	settingsRejected.Set(1)
	msg := err.Error()
	if msg == st.lastErr {
		return
	}
	st.lastErr = msg
	settingsRejections.Inc()
	st.log.Error(err, "settings file rejected; the last good settings stay in force", "file", st.path)
	if st.onReject != nil {
		st.onReject(err)
	}
}

// NeedLeaderElection: every replica answers admissions, so every replica
// follows the settings file.
func (st *SettingsStore) NeedLeaderElection() bool { return false }

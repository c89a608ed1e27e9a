package webhook

// A refused settings reload must be visible where a platform engineer looks,
// not only in a log line: a gauge and a counter on /metrics, and an Event on
// the settings ConfigMap (`kubectl describe configmap argoguard-settings`),
// so that the next restart, which would refuse to start on the same file,
// surprises nobody.

import (
	"context"
	"time"
	"unicode/utf8"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/argoguard/argoguard/settings"
)

var (
	settingsRejected = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "argoguard_settings_rejected",
		Help: "1 while the settings file on disk is refused (invalid, or it moves the guarded objects) and the last good settings are in force; a restart would not start on it.",
	})
	settingsRejections = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "argoguard_settings_rejections_total",
		Help: "Settings reloads refused, once per distinct error.",
	})
)

// Event reasons on the settings ConfigMap.
const (
	ReasonSettingsRejected = "SettingsRejected"
	ReasonSettingsReloaded = "SettingsReloaded"
)

// maxEventNote is the longest note events.k8s.io accepts.
const maxEventNote = 1024

// SettingsEvents reports settings reloads as Events on the ConfigMap the
// settings file is mounted from. The ConfigMap is read (by name, uncached)
// for its UID, without which `kubectl describe` does not show the Event.
// The recorder counts repeats per ConfigMap version: each edit of the
// ConfigMap that is refused gets an Event of its own.
type SettingsEvents struct {
	Reader    client.Reader
	Recorder  EventRecorder
	Namespace string
	ConfigMap string
	Log       logr.Logger
}

// Rejected records a refused reload (a SettingsStore OnReject function).
func (e *SettingsEvents) Rejected(err error) {
	e.event(corev1.EventTypeWarning, ReasonSettingsRejected,
		"argoguard refused the new settings and keeps the last good ones; it would not start on this file: "+err.Error())
}

// Reloaded records new settings in force (a SettingsStore OnChange function).
func (e *SettingsEvents) Reloaded(s *settings.Settings) {
	e.event(corev1.EventTypeNormal, ReasonSettingsReloaded, "argoguard reloaded its settings; mode "+string(s.Mode))
}

func (e *SettingsEvents) event(eventType, reason, note string) {
	if e == nil || e.ConfigMap == "" || e.Recorder == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var cm corev1.ConfigMap
	if err := e.Reader.Get(ctx, client.ObjectKey{Namespace: e.Namespace, Name: e.ConfigMap}, &cm); err != nil {
		e.Log.Error(err, "no Event on the settings ConfigMap", "configMap", e.Namespace+"/"+e.ConfigMap, "reason", reason)
		return
	}
	e.Recorder.Eventf(&cm, nil, eventType, reason, "Reload", "%s", truncateNote(note))
}

// truncateNote keeps a note within what the API server accepts.
func truncateNote(s string) string {
	if len(s) <= maxEventNote {
		return s
	}
	const more = " …(see the argoguard log)"
	cut := maxEventNote - len(more)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + more
}

package webhook

import "k8s.io/apimachinery/pkg/runtime"

// EventRecorder is the events.k8s.io recorder the manager provides
// (mgr.GetEventRecorder): break-glass trails and settings reloads are
// Events a reviewer finds with `kubectl describe`.
type EventRecorder interface {
	Eventf(regarding runtime.Object, related runtime.Object, eventtype, reason, action, note string, args ...any)
}

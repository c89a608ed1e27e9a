// Package metricsauth lets a request to the metrics endpoint through only
// when kube-apiserver vouches for its caller: the bearer token is
// authenticated with a TokenReview and the caller authorized for the
// request's path and verb with a SubjectAccessReview (a non-resource URL),
// the two decisions controller-runtime's metrics filter delegates to
// k8s.io/apiserver. Asking the API directly keeps that library, and the
// CEL, gRPC and OpenTelemetry it links, out of the webhook binary
// (docs/benchmarks.md: the binary's size and resident memory).
package metricsauth

import (
	"context"
	"crypto/sha256"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	authenticationclient "k8s.io/client-go/kubernetes/typed/authentication/v1"
	authorizationclient "k8s.io/client-go/kubernetes/typed/authorization/v1"
	"k8s.io/client-go/rest"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

// Cache bounds: a scraper asks every few seconds, so a decision is kept
// briefly (a revoked grant takes effect within allowTTL), for a bounded
// number of callers.
const (
	allowTTL   = time.Minute
	denyTTL    = 10 * time.Second
	maxEntries = 256
	// reviewTimeout bounds one TokenReview or SubjectAccessReview.
	reviewTimeout = 10 * time.Second
)

// Reviewers are the two API clients the reviews are created with.
type Reviewers struct {
	Tokens authenticationclient.TokenReviewInterface
	Access authorizationclient.SubjectAccessReviewInterface
}

// Guard decides requests and remembers its decisions for a while.
type Guard struct {
	reviewers Reviewers
	now       func() time.Time

	mu    sync.Mutex
	cache map[[sha256.Size]byte]decision
}

type decision struct {
	status  int // http.StatusOK, StatusUnauthorized or StatusForbidden
	expires time.Time
}

// NewGuard returns a Guard asking r; now is the clock (time.Now if nil).
func NewGuard(r Reviewers, now func() time.Time) *Guard {
	if now == nil {
		now = time.Now
	}
	return &Guard{reviewers: r, now: now, cache: map[[sha256.Size]byte]decision{}}
}

// FilterProvider is a metricsserver.Options FilterProvider.
func FilterProvider(cfg *rest.Config, hc *http.Client) (metricsserver.Filter, error) {
	authn, err := authenticationclient.NewForConfigAndClient(cfg, hc)
	if err != nil {
		return nil, err
	}
	authz, err := authorizationclient.NewForConfigAndClient(cfg, hc)
	if err != nil {
		return nil, err
	}
	g := NewGuard(Reviewers{Tokens: authn.TokenReviews(), Access: authz.SubjectAccessReviews()}, nil)
	return func(log logr.Logger, next http.Handler) (http.Handler, error) {
		return g.Wrap(log, next), nil
	}, nil
}

// Wrap serves next to the callers the API server authenticates and
// authorizes; others get 401 (no or an unknown token), 403 (not allowed)
// or 500 (a review failed). The token is never logged.
func (g *Guard) Wrap(log logr.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		status, err := g.Decide(req.Context(), bearer(req), req.URL.Path, strings.ToLower(req.Method))
		if err != nil {
			log.Error(err, "cannot review a metrics request", "path", req.URL.Path)
		}
		if status != http.StatusOK {
			http.Error(w, http.StatusText(status), status)
			return
		}
		next.ServeHTTP(w, req)
	})
}

// Decide returns http.StatusOK when token's holder may do verb on path,
// else the status to answer with; an error is a review that failed
// (answered 500, never cached).
func (g *Guard) Decide(ctx context.Context, token, path, verb string) (int, error) {
	if token == "" {
		return http.StatusUnauthorized, nil
	}
	key := sha256.Sum256([]byte(token + "\x00" + path + "\x00" + verb))
	if status, ok := g.cached(key); ok {
		return status, nil
	}
	ctx, cancel := context.WithTimeout(ctx, reviewTimeout)
	defer cancel()
	tr, err := g.reviewers.Tokens.Create(ctx, &authenticationv1.TokenReview{
		Spec: authenticationv1.TokenReviewSpec{Token: token}}, metav1.CreateOptions{})
	if err != nil {
		return http.StatusInternalServerError, err
	}
	if !tr.Status.Authenticated {
		return g.remember(key, http.StatusUnauthorized), nil
	}
	u := tr.Status.User
	extra := map[string]authorizationv1.ExtraValue{}
	for k, v := range u.Extra {
		extra[k] = authorizationv1.ExtraValue(v)
	}
	sar, err := g.reviewers.Access.Create(ctx, &authorizationv1.SubjectAccessReview{
		Spec: authorizationv1.SubjectAccessReviewSpec{
			User: u.Username, UID: u.UID, Groups: u.Groups, Extra: extra,
			NonResourceAttributes: &authorizationv1.NonResourceAttributes{Path: path, Verb: verb},
		}}, metav1.CreateOptions{})
	if err != nil {
		return http.StatusInternalServerError, err
	}
	if !sar.Status.Allowed || sar.Status.Denied {
		return g.remember(key, http.StatusForbidden), nil
	}
	return g.remember(key, http.StatusOK), nil
}

func (g *Guard) cached(key [sha256.Size]byte) (int, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	d, ok := g.cache[key]
	if !ok || !g.now().Before(d.expires) {
		return 0, false
	}
	return d.status, true
}

// remember keeps a decision; a full cache first drops what has expired,
// then, if still full, everything (callers are few: scrapers).
func (g *Guard) remember(key [sha256.Size]byte, status int) int {
	ttl := denyTTL
	if status == http.StatusOK {
		ttl = allowTTL
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if len(g.cache) >= maxEntries {
		for k, d := range g.cache {
			if !now.Before(d.expires) {
				delete(g.cache, k)
			}
		}
		if len(g.cache) >= maxEntries {
			clear(g.cache)
		}
	}
	g.cache[key] = decision{status: status, expires: now.Add(ttl)}
	return status
}

// bearer is the request's bearer token, or "".
func bearer(req *http.Request) string {
	scheme, token, ok := strings.Cut(req.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

package metricsauth

// The Guard's own logic: statuses, what a SubjectAccessReview is asked,
// caching and its bounds. That kube-apiserver's answers reach it as meant
// is checked against a real API server in cmd/webhook (TestRun...'s
// /metrics requests).

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-logr/logr"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// apiServer answers reviews: tokens maps a token to its user ("" unknown),
// allowed says which users may get /metrics; it counts the reviews.
type apiServer struct {
	tokens  map[string]string
	allowed map[string]bool
	fail    bool
	reviews int
	lastSAR authorizationv1.SubjectAccessReviewSpec
}

func (a *apiServer) guard(now func() time.Time) *Guard {
	cs := fake.NewClientset()
	cs.PrependReactor("create", "tokenreviews", func(act k8stesting.Action) (bool, runtime.Object, error) {
		a.reviews++
		if a.fail {
			return true, nil, errors.New("etcd is down")
		}
		tr := act.(k8stesting.CreateAction).GetObject().(*authenticationv1.TokenReview).DeepCopy()
		if user := a.tokens[tr.Spec.Token]; user != "" {
			tr.Status = authenticationv1.TokenReviewStatus{Authenticated: true,
				User: authenticationv1.UserInfo{Username: user, UID: "uid-" + user, Groups: []string{"system:serviceaccounts"},
					Extra: map[string]authenticationv1.ExtraValue{"authentication.kubernetes.io/pod-name": {"p"}}}}
		}
		return true, tr, nil
	})
	cs.PrependReactor("create", "subjectaccessreviews", func(act k8stesting.Action) (bool, runtime.Object, error) {
		a.reviews++
		sar := act.(k8stesting.CreateAction).GetObject().(*authorizationv1.SubjectAccessReview).DeepCopy()
		a.lastSAR = sar.Spec
		sar.Status.Allowed = a.allowed[sar.Spec.User] && sar.Spec.NonResourceAttributes != nil &&
			sar.Spec.NonResourceAttributes.Path == "/metrics" && sar.Spec.NonResourceAttributes.Verb == "get"
		return true, sar, nil
	})
	return NewGuard(Reviewers{Tokens: cs.AuthenticationV1().TokenReviews(), Access: cs.AuthorizationV1().SubjectAccessReviews()}, now)
}

func TestGuardAnswers(t *testing.T) {
	a := &apiServer{tokens: map[string]string{"t-prom": "prometheus", "t-nosy": "nosy"}, allowed: map[string]bool{"prometheus": true}}
	h := a.guard(nil).Wrap(logr.Discard(), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "argoguard_metric 1")
	}))
	for _, tc := range []struct {
		name, header, method string
		want                 int
	}{
		{"an allowed scraper", "Bearer t-prom", http.MethodGet, http.StatusOK},
		{"the scheme in lower case", "bearer t-prom", http.MethodGet, http.StatusOK},
		{"no Authorization header", "", http.MethodGet, http.StatusUnauthorized},
		{"basic credentials", "Basic dXNlcjpwYXNz", http.MethodGet, http.StatusUnauthorized},
		{"a token the API server does not know", "Bearer nope", http.MethodGet, http.StatusUnauthorized},
		{"a caller without get on /metrics", "Bearer t-nosy", http.MethodGet, http.StatusForbidden},
		{"an allowed scraper posting", "Bearer t-prom", http.MethodPost, http.StatusForbidden},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(tc.method, "/metrics", nil)
		if tc.header != "" {
			req.Header.Set("Authorization", tc.header)
		}
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, rec.Code, tc.want)
		}
		if got := rec.Body.String(); (rec.Code == http.StatusOK) != (got == "argoguard_metric 1") {
			t.Errorf("%s: body %q with %d", tc.name, got, rec.Code)
		}
	}
	// The SubjectAccessReview carries who the TokenReview said the caller is.
	if s := a.lastSAR; s.UID == "" || len(s.Groups) == 0 || len(s.Extra["authentication.kubernetes.io/pod-name"]) != 1 {
		t.Errorf("SubjectAccessReview without the caller's uid, groups or extra: %+v", s)
	}
}

// Decisions are kept for a while (denials shorter), never a failed review,
// and the cache stays within its bound however many tokens come.
func TestGuardCaches(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	a := &apiServer{tokens: map[string]string{"t-prom": "prometheus", "t-nosy": "nosy"}, allowed: map[string]bool{"prometheus": true}}
	g := a.guard(func() time.Time { return now })
	ctx := context.Background()
	decide := func(token string) int {
		t.Helper()
		status, _ := g.Decide(ctx, token, "/metrics", "get")
		return status
	}
	decide("t-prom")
	decide("t-nosy")
	before := a.reviews
	if decide("t-prom") != http.StatusOK || decide("t-nosy") != http.StatusForbidden || a.reviews != before {
		t.Fatalf("repeated decisions asked the API server again (%d reviews, was %d)", a.reviews, before)
	}
	now = now.Add(denyTTL)
	if decide("t-prom"); a.reviews != before {
		t.Error("an allowed caller asked again within allowTTL")
	}
	if decide("t-nosy"); a.reviews == before {
		t.Error("a denial kept past denyTTL")
	}
	// A grant revoked is seen once allowTTL has passed.
	a.allowed["prometheus"] = false
	now = now.Add(allowTTL)
	if got := decide("t-prom"); got != http.StatusForbidden {
		t.Errorf("revoked grant: %d after allowTTL", got)
	}
	// A review that fails is a 500 and is not remembered.
	a.fail = true
	if status, err := g.Decide(ctx, "t-new", "/metrics", "get"); status != http.StatusInternalServerError || err == nil {
		t.Errorf("failed review: %d, %v", status, err)
	}
	a.fail = false
	if got := decide("t-new"); got != http.StatusUnauthorized {
		t.Errorf("after a failed review: %d", got)
	}
	for i := range 3 * maxEntries {
		decide(fmt.Sprintf("random-%d", i))
		if n := len(g.cache); n > maxEntries {
			t.Fatalf("%d cached decisions, bound %d", n, maxEntries)
		}
	}
}

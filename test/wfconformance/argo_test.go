package wfconformance

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/argoproj/argo-workflows/v3/server/auth"
	"github.com/argoproj/argo-workflows/v3/server/auth/sso"
	"github.com/argoproj/argo-workflows/v3/server/auth/types"
	"github.com/argoproj/argo-workflows/v3/server/cache"
	servertypes "github.com/argoproj/argo-workflows/v3/server/types"
	"github.com/go-jose/go-jose/v3"
	"github.com/go-jose/go-jose/v3/jwt"
	log "github.com/sirupsen/logrus"
	"google.golang.org/grpc/metadata"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/rest"

	"github.com/argoguard/argoguard/policy/wfrbac"
)

const namespace = "argo"

// tokenSSO stands in for argo-server's sso.Interface after the identity
// provider: it builds the claims argo-server's callback re-issues
// (server/auth/sso/sso.go, HandleCallback) and sends them through the same
// go-jose encrypted-JWT round trip its Authorize reads them back from, so
// the gatekeeper sees exactly the claims a real login would give it. The
// OIDC exchange itself is not exercised.
type tokenSSO struct {
	key    *rsa.PrivateKey
	enc    jose.Encrypter
	claims *types.Claims
}

func newTokenSSO() (*tokenSSO, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: key.Public()}, &jose.EncrypterOptions{Compression: jose.DEFLATE})
	if err != nil {
		return nil, err
	}
	return &tokenSSO{key: key, enc: enc}, nil
}

// token is the value of argo-server's authorization cookie for c.
func (s *tokenSSO) token(c wfrbac.Claims) (string, error) {
	reissued := &types.Claims{
		Claims:            jwt.Claims{Issuer: wfrbac.ServerIssuer, Subject: c.Subject, Expiry: jwt.NewNumericDate(time.Unix(c.Expiry, 0))},
		Groups:            c.Groups,
		Email:             c.Email,
		Name:              c.Name,
		PreferredUsername: c.PreferredUsername,
	}
	raw, err := jwt.Encrypted(s.enc).Claims(reissued).CompactSerialize()
	return sso.Prefix + raw, err
}

func (s *tokenSSO) Authorize(authorization string) (*types.Claims, error) {
	tok, err := jwt.ParseEncrypted(strings.TrimPrefix(authorization, sso.Prefix))
	if err != nil {
		return nil, err
	}
	c := &types.Claims{}
	if err := tok.Claims(s.key, c); err != nil {
		return nil, err
	}
	return c, c.Validate(jwt.Expected{Issuer: wfrbac.ServerIssuer})
}

func (s *tokenSSO) IsRBACEnabled() bool { return true }

func (s *tokenSSO) HandleRedirect(http.ResponseWriter, *http.Request) {}
func (s *tokenSSO) HandleCallback(http.ResponseWriter, *http.Request) {}

// reasonHook keeps the error argo-server logs when it refuses a login: the
// API client sees only "not allowed".
type reasonHook struct {
	mu     sync.Mutex
	reason string
}

func (h *reasonHook) Levels() []log.Level { return []log.Level{log.ErrorLevel} }
func (h *reasonHook) Fire(e *log.Entry) error {
	if err, ok := e.Data[log.ErrorKey].(error); ok && e.Message == "failed to perform RBAC authorization" {
		h.mu.Lock()
		h.reason = err.Error()
		h.mu.Unlock()
	}
	return nil
}

func (h *reasonHook) take() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.reason
	h.reason = ""
	return r
}

// argoServer is argo-server's gatekeeper in SSO RBAC mode over a fake
// clientset holding one case's ServiceAccounts and their token Secrets,
// read through argo-server's own informer cache.
type argoServer struct {
	gk   auth.Gatekeeper
	stop chan struct{}
}

func newArgoServer(s *tokenSSO, accounts []wfrbac.Account) (*argoServer, error) {
	return newArgoServerCaching(s, accounts, namespace)
}

// newArgoServerCaching is newArgoServer with the informer cache over
// cacheNamespace: "" for every namespace, as argo-server without
// --managed-namespace has it (server/apiserver/argoserver.go).
func newArgoServerCaching(s *tokenSSO, accounts []wfrbac.Account, cacheNamespace string) (*argoServer, error) {
	client := fake.NewClientset()
	ctx := context.Background()
	for _, a := range accounts {
		sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: a.Namespace, Name: a.Name, Annotations: map[string]string{}}}
		if a.HasRule {
			sa.Annotations[wfrbac.AnnotationRule] = a.Rule
		}
		if a.PrecedenceRaw != "" {
			sa.Annotations[wfrbac.AnnotationPrecedence] = a.PrecedenceRaw
		}
		if _, err := client.CoreV1().ServiceAccounts(a.Namespace).Create(ctx, sa, metav1.CreateOptions{}); err != nil {
			return nil, err
		}
		secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: a.Namespace, Name: a.TokenSecretName()}, Data: map[string][]byte{"token": []byte("t-" + a.Name)}}
		if _, err := client.CoreV1().Secrets(a.Namespace).Create(ctx, secret, metav1.CreateOptions{}); err != nil {
			return nil, err
		}
	}
	rc := cache.NewResourceCache(client, cacheNamespace)
	stop := make(chan struct{})
	rc.Run(stop)
	clients := &servertypes.Clients{Kubernetes: client}
	asAccount := func(authorization string, config *rest.Config) (*rest.Config, *servertypes.Clients, error) {
		return config, clients, nil
	}
	gk, err := auth.NewGatekeeper(auth.Modes{auth.SSO: true}, clients, &rest.Config{}, s, asAccount, namespace, namespace, false, rc)
	if err != nil {
		close(stop)
		return nil, err
	}
	return &argoServer{gk: gk, stop: stop}, nil
}

func (a *argoServer) close() { close(a.stop) }

// login returns the account argo-server chose, or the reason it refused.
func (a *argoServer) login(s *tokenSSO, hook *reasonHook, c wfrbac.Claims) (account string, refused string, err error) {
	return a.request(s, hook, c, nil)
}

// request is login for a request req (a NamespacedRequest is what SSO
// namespace delegation reads the namespace from; nil: none).
func (a *argoServer) request(s *tokenSSO, hook *reasonHook, c wfrbac.Claims, req any) (account string, refused string, err error) {
	tok, err := s.token(c)
	if err != nil {
		return "", "", err
	}
	ctx := metadata.NewIncomingContext(context.Background(), metadata.Pairs("authorization", tok))
	hook.take()
	out, err := a.gk.ContextWithRequest(ctx, req)
	if err != nil {
		reason := hook.take()
		if reason == "" {
			return "", "", fmt.Errorf("refused without a logged reason: %w", err)
		}
		return "", reason, nil
	}
	return auth.GetClaims(out).ServiceAccountName, "", nil
}

package wfrbac

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// ServerIssuer is the issuer argo-server writes into the token it re-issues
// after an SSO login (server/auth/sso/sso.go).
const ServerIssuer = "argo-server"

// Claims are the claims argo-server keeps from the identity provider's ID
// token when it re-issues its own token (server/auth/sso/sso.go,
// HandleCallback): nothing else reaches an rbac-rule expression.
type Claims struct {
	Subject           string
	Groups            []string // after customGroupClaimName, userInfoPath and filterGroupsRegex
	Email             string
	Name              string
	PreferredUsername string
	// ServiceAccountName and ServiceAccountNamespace are copied from the ID
	// token when the provider sends claims of those names.
	ServiceAccountName      string
	ServiceAccountNamespace string
	// Expiry is the token's expiry in Unix seconds; argo-server always sets it.
	Expiry int64
}

// wireClaims has the JSON names and omitempty behaviour of argo-server's
// claims type (server/auth/types/claims.go over go-jose's jwt.Claims).
type wireClaims struct {
	Issuer                  string   `json:"iss,omitempty"`
	Subject                 string   `json:"sub,omitempty"`
	Expiry                  *int64   `json:"exp,omitempty"`
	Groups                  []string `json:"groups,omitempty"`
	Email                   string   `json:"email,omitempty"`
	Name                    string   `json:"name,omitempty"`
	ServiceAccountName      string   `json:"service_account_name,omitempty"`
	ServiceAccountNamespace string   `json:"service_account_namespace,omitempty"`
	PreferredUsername       string   `json:"preferred_username,omitempty"`
}

// Env is the environment an rbac-rule expression is compiled and run
// against: the re-issued claims turned into a JSON map (util/json/jsonify.go),
// so empty claims are absent names, groups is a list of any and exp a float64.
func (c Claims) Env() (map[string]any, error) {
	if env, ok := c.directEnv(); ok {
		return env, nil
	}
	return c.jsonEnv()
}

// directEnv builds Env's map without the JSON round trip, which the order
// checks' search would pay for every user tried. It declines strings that
// are not valid UTF-8 (JSON encoding rewrites those). A test holds it equal
// to jsonEnv.
func (c Claims) directEnv() (map[string]any, bool) {
	env := make(map[string]any, len(claimNames))
	return env, c.fillEnv(env)
}

// fillEnv writes directEnv's entries into an empty env; false when a
// string is not valid UTF-8.
func (c Claims) fillEnv(env map[string]any) bool {
	put := func(k, v string) bool {
		if v != "" {
			env[k] = v
		}
		return utf8.ValidString(v)
	}
	ok := put("iss", ServerIssuer) && put("sub", c.Subject) && put("email", c.Email) && put("name", c.Name) &&
		put("service_account_name", c.ServiceAccountName) && put("service_account_namespace", c.ServiceAccountNamespace) &&
		put("preferred_username", c.PreferredUsername)
	env["exp"] = float64(c.Expiry)
	if len(c.Groups) > 0 {
		groups := make([]any, len(c.Groups))
		for i, g := range c.Groups {
			ok = ok && utf8.ValidString(g)
			groups[i] = g
		}
		env["groups"] = groups
	}
	return ok
}

// jsonEnv is Env as argo-server computes it: the claims encoded and
// decoded as JSON.
func (c Claims) jsonEnv() (map[string]any, error) {
	exp := c.Expiry
	data, err := json.Marshal(wireClaims{
		Issuer: ServerIssuer, Subject: c.Subject, Expiry: &exp, Groups: c.Groups,
		Email: c.Email, Name: c.Name, ServiceAccountName: c.ServiceAccountName,
		ServiceAccountNamespace: c.ServiceAccountNamespace, PreferredUsername: c.PreferredUsername,
	})
	if err != nil {
		return nil, fmt.Errorf("claims: %w", err)
	}
	env := map[string]any{}
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("claims: %w", err)
	}
	return env, nil
}

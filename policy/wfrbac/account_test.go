package wfrbac

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// Mirrors server/auth/gatekeeper.go, precedence (strconv.Atoi, error ignored).
func TestPrecedence(t *testing.T) {
	for raw, want := range map[string]int{
		"": 0, "abc": 0, " 7": 0, "7 ": 0, "2.5": 0, "0x10": 0,
		"+3": 3, "-4": -4, "007": 7, "10": 10,
		"99999999999999999999999":  math.MaxInt,
		"-99999999999999999999999": math.MinInt,
	} {
		if got := Precedence(raw); got != want {
			t.Errorf("Precedence(%q) = %d, want %d", raw, got, want)
		}
	}
}

// Mirrors util/secrets/secret_name.go, TokenNameForServiceAccount.
func TestTokenSecretName(t *testing.T) {
	for _, tc := range []struct {
		name        string
		annotations map[string]string
		secrets     []string
		want        string
	}{
		{"default name", nil, nil, "admin.service-account-token"},
		{"annotation", map[string]string{AnnotationTokenName: "tok"}, nil, "tok"},
		{"empty annotation is still read", map[string]string{AnnotationTokenName: ""}, nil, ""},
		{"secrets list first", map[string]string{AnnotationTokenName: "tok"}, []string{"listed", "second"}, "listed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := FromObject("argo", "admin", tc.annotations, tc.secrets).TokenSecretName(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFromObjectRulePresence(t *testing.T) {
	with := FromObject("argo", "a", map[string]string{AnnotationRule: "", AnnotationPrecedence: "5"}, nil)
	if !with.HasRule || with.Precedence() != 5 || with.Key() != "argo/a" {
		t.Errorf("empty rule annotation: %+v", with)
	}
	without := FromObject("", "b", nil, nil)
	if without.HasRule {
		t.Errorf("no annotation read as a rule: %+v", without)
	}
}

// Mirrors server/auth/sso/sso.go HandleCallback (the claims re-issued) and
// util/json/jsonify.go (the map the rule sees).
func TestClaimsEnv(t *testing.T) {
	env, err := Claims{Subject: "u1", Groups: []string{}, Email: "a@example.com", Expiry: 100}.Env()
	if err != nil {
		t.Fatal(err)
	}
	if env["iss"] != "argo-server" || env["sub"] != "u1" || env["email"] != "a@example.com" {
		t.Errorf("env = %v", env)
	}
	if _, ok := env["exp"].(float64); !ok {
		t.Errorf("exp is %T, want float64 as JSON numbers decode", env["exp"])
	}
	for _, absent := range []string{"groups", "name", "preferred_username", "email_verified", "aud"} {
		if _, ok := env[absent]; ok {
			t.Errorf("%s present in %v", absent, env)
		}
	}
	env, _ = Claims{Groups: []string{"g1"}}.Env()
	if g, ok := env["groups"].([]any); !ok || len(g) != 1 || g[0] != "g1" {
		t.Errorf("groups = %#v", env["groups"])
	}
}

// Env's direct construction gives the map the JSON round trip gives.
func FuzzClaimsEnvDirectEqualsJSON(f *testing.F) {
	f.Add("u1", "g1\x00g2", "a@example.com", "", "p", "", "", int64(100))
	f.Add("", "", "", "\xff", "", "sa", "ns", int64(1)<<60)
	f.Fuzz(func(t *testing.T, sub, groups, email, name, pref, saName, saNS string, exp int64) {
		c := Claims{Subject: sub, Email: email, Name: name, PreferredUsername: pref,
			ServiceAccountName: saName, ServiceAccountNamespace: saNS, Expiry: exp}
		if groups != "" {
			c.Groups = strings.Split(groups, "\x00")
		}
		want, err := c.jsonEnv()
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Env()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Env() = %#v, want %#v", got, want)
		}
	})
}

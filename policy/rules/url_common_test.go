package rules

import (
	"net/url"
	"testing"
)

func TestCleartextProblem(t *testing.T) {
	for _, tc := range []struct {
		raw string
		ok  bool
	}{
		{"https://argocd.example.com", true},
		{"http://localhost:8080", true},
		{"http://LOCALHOST", true},
		{"http://argocd.localhost:8080", false}, // not every resolver maps it to loopback
		{"http://127.0.0.1:8080/argocd", true},
		{"http://127.1.2.3", true},
		{"http://[::1]:8080", true},
		{"http://argocd.example.com", false},
		{"http://10.0.0.5:8080", false},
		{"http://localhost.example.com", false},
		{"http://[::2]:8080", false},
		{"ftp://localhost", false},
	} {
		u, err := url.Parse(tc.raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := cleartextProblem(u) == ""; got != tc.ok {
			t.Errorf("%s: fine = %v, want %v (%s)", tc.raw, got, tc.ok, cleartextProblem(u))
		}
	}
}

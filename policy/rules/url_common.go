package rules

// Shared by the rules that judge URLs (ACD-003, DEX-005, WF-003): plain
// http is the documented local development setup when the host is the
// machine itself, and a cleartext hole anywhere else.

import (
	"net"
	"net/url"
	"strings"
)

// loopbackHost reports whether a URL host (with or without port, IPv6 in
// brackets) names the local machine: localhost, 127.0.0.0/8 or ::1.
func loopbackHost(host string) bool {
	h := host
	if sh, _, err := net.SplitHostPort(host); err == nil {
		h = sh
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// cleartextProblem says why u's scheme is a problem for a URL that
// carries logins ("" when fine): https always works; http only on a
// loopback host, where the browser and the server are the same machine.
func cleartextProblem(u *url.URL) string {
	switch {
	case u.Scheme == "https":
		return ""
	case u.Scheme == "http" && loopbackHost(u.Host):
		return ""
	case u.Scheme == "http":
		return "is http on a non-loopback host (logins travel in clear)"
	}
	return "is not an http(s) URL"
}

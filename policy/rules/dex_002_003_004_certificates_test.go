package rules

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/argoguard/argoguard/policy"
)

// removeLine drops the first line containing s; replaceLine replaces it.
func removeLine(text, s string) string { return replaceLine(text, s, "") }

func replaceLine(text, s, with string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.Contains(l, s) {
			if with == "" {
				return strings.Join(append(lines[:i:i], lines[i+1:]...), "\n")
			}
			lines[i] = with
			return strings.Join(lines, "\n")
		}
	}
	panic("no line with " + s)
}

func TestDEX002(t *testing.T) {
	runSSOTable(t, "DEX-002", []ssoCase{
		{name: "skip", tweak: replaceDex("    groupsAttr: groups\n", "    groupsAttr: groups\n    insecureSkipSignatureValidation: true\n"),
			want: 1, contains: "forged", path: "connectors[0].config.insecureSkipSignatureValidation", line: 15},
		{name: "false", tweak: replaceDex("    groupsAttr: groups\n", "    groupsAttr: groups\n    insecureSkipSignatureValidation: false\n"), want: 0},
	})
}

func TestDEX003(t *testing.T) {
	runSSOTable(t, "DEX-003", []ssoCase{
		{name: "raw PEM", tweak: func(f *ssoFixture) {
			f.dex = replaceLine(f.dex, "caData:", "    caData: \"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\"")
		}, want: 1, contains: "base64 of the whole PEM", path: "connectors[0].config.caData", line: 9},
		{name: "not PEM", tweak: func(f *ssoFixture) { f.dex = replaceLine(f.dex, "caData:", "    caData: Zm9vYmFy") }, want: 1, contains: "no PEM certificate"},
		{name: "ca and caData", tweak: replaceDex("    groupsAttr: groups\n", "    groupsAttr: groups\n    ca: /etc/dex/ca.pem\n"), want: 1, contains: "both ca and caData", action: policy.ActionDeny},
		// Dex checks the CA only when it validates signatures (DEX-002 reports skipping).
		{name: "ca and caData while skipping signatures", tweak: replaceDex("    groupsAttr: groups\n",
			"    groupsAttr: groups\n    ca: /etc/dex/ca.pem\n    insecureSkipSignatureValidation: true\n"), want: 0},
		{name: "expired", tweak: func(f *ssoFixture) { f.now = time.Date(2032, 1, 1, 0, 0, 0, 0, time.UTC) }, want: 1, contains: "expired on 2031-11-29", action: policy.ActionDeny},
		{name: "expired beside a valid one (rotation)", tweak: func(f *ssoFixture) {
			f.dex = replaceLine(f.dex, "caData:", "    caData: "+rotationCAData(t))
			f.now = time.Date(2032, 1, 1, 0, 0, 0, 0, time.UTC)
		}, want: 1, contains: "expired on 2031-11-29", action: policy.ActionWarn},
		{name: "reference unresolved is ACD-008's", tweak: func(f *ssoFixture) { f.dex = replaceLine(f.dex, "caData:", "    caData: $dex:ca") }, want: 0},
		{name: "reference to raw PEM", tweak: func(f *ssoFixture) {
			f.dex = replaceLine(f.dex, "caData:", "    caData: $dex:ca")
			f.secrets = append(f.secrets, secret("argocd", "dex", map[string]string{"ca": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"}))
		}, want: 1, contains: "base64 of the whole PEM"},
		{name: "reference to expired certificate", tweak: func(f *ssoFixture) {
			f.dex = replaceLine(f.dex, "caData:", "    caData: $dex:ca")
			f.secrets = append(f.secrets, secret("argocd", "dex", map[string]string{"ca": guideCertBase64(t) + "\n"}))
			f.now = time.Date(2032, 1, 1, 0, 0, 0, 0, time.UTC)
		}, want: 1, contains: "expired"},
		{name: "reference, Secrets unknown", tweak: func(f *ssoFixture) {
			f.dex = replaceLine(f.dex, "caData:", "    caData: $dex:ca")
			f.secrets = append(f.secrets, secret("argocd", "dex", map[string]string{"ca": "junk"}))
			f.known = false
		}, want: 0},
		{name: "no clock, no expiry check", tweak: func(f *ssoFixture) { f.now = time.Time{} }, want: 0},
		// Placeholders are DEX-009's, not "not base64".
		{name: "placeholder <...> is DEX-009's", tweak: func(f *ssoFixture) { f.dex = replaceLine(f.dex, "caData:", "    caData: <base64-encoded-cert>") }, want: 0},
		{name: "placeholder YOUR_ is DEX-009's", tweak: func(f *ssoFixture) { f.dex = replaceLine(f.dex, "caData:", "    caData: YOUR_BASE64_ENCODED_CERT") }, want: 0},
		{name: "placeholder your- is DEX-009's", tweak: func(f *ssoFixture) { f.dex = replaceLine(f.dex, "caData:", "    caData: your-idp-certificate") }, want: 0},
	})
}

func TestDEX004(t *testing.T) {
	runSSOTable(t, "DEX-004", []ssoCase{
		{name: "expires in 9 days", tweak: func(f *ssoFixture) { f.now = time.Date(2031, 11, 20, 0, 0, 0, 0, time.UTC) }, want: 1, contains: "expires in 9 days"},
		{name: "expired is DEX-003's", tweak: func(f *ssoFixture) { f.now = time.Date(2032, 1, 1, 0, 0, 0, 0, time.UTC) }, want: 0},
		{name: "31 days left", tweak: func(f *ssoFixture) { f.now = time.Date(2031, 10, 29, 0, 0, 0, 0, time.UTC) }, want: 0},
	})
}

// rotationCAData is caData holding the guide's IdP certificate (expiring
// 2031-11-29) and a newer one valid until 2040: an IdP certificate
// rotation in progress.
func rotationCAData(t *testing.T) string {
	t.Helper()
	old, err := os.ReadFile(filepath.Join(guideDir, "idp-cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "idp next"},
		NotBefore: time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(append(old, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...))
}

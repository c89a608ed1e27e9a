package rules

// DEX-002, DEX-003 and DEX-004 guard the trust Dex puts in SAML responses:
// signatures must be checked, against a CA given once (ca or caData) as
// base64 of PEM certificates, and the certificate must not be expired or
// about to expire.

import (
	"fmt"
	"strings"
	"time"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

// certWarnDays is how early DEX-004 warns before the IdP certificate expires.
const certWarnDays = 30

var ruleDEX002 = policy.Rule{
	ID: "DEX-002", Title: "SAML signature validation off", Severity: policy.SeverityCritical,
	Category: "dex", Action: policy.ActionDeny,
	Doc: "insecureSkipSignatureValidation: true makes Dex accept unsigned or forged SAML responses: anyone can " +
		"log in as anyone, with any groups. Remove it and give the IdP certificate in caData." +
		" Source: Dex: connector/saml/saml.go (no validator, so HandlePOST skips the signature check).",
	Check: checkSkipSignatures,
}

var ruleDEX003 = policy.Rule{
	ID: "DEX-003", Title: "SAML CA unusable", Severity: policy.SeverityCritical,
	Category: "dex", Action: policy.ActionDeny,
	Doc: "Dex's SAML connector (connector/saml/saml.go, openConnector) refuses to start when both ca and caData " +
		"are set (\"must provide either 'ca' or 'caData'\"), when caData is not the standard base64 of PEM text " +
		"(it is decoded as JSON bytes), or when that text holds no parsable certificate. When every certificate " +
		"has expired, signature validation (goxmldsig) rejects every response and no one can log in. All of " +
		"this is skipped by Dex when insecureSkipSignatureValidation is true (DEX-002's finding). An expired " +
		"certificate beside a valid one (a rotation in progress) works and is a warning. Encode with " +
		"`base64 -w0 idp-cert.pem`. A `$secret:key` caData is checked when the Secret is known.",
	Check: checkCAUsable,
}

var ruleDEX004 = policy.Rule{
	ID: "DEX-004", Title: "SAML certificate expires soon", Severity: policy.SeverityMedium,
	Category: "dex", Action: policy.ActionWarn,
	Doc: fmt.Sprintf("The IdP certificate in caData expires within %d days; when it does, every SAML login "+
		"fails. Rotate it in the IdP and update caData in time.", certWarnDays),
	Check: checkCertExpiry,
}

func checkSkipSignatures(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	for _, c := range in.saml() {
		if c.SAML.SkipsSignatures() {
			out = append(out, policy.Finding{
				Location: in.atDex(c.SAML.InsecureSkipSignatureValidation),
				Message:  "insecureSkipSignatureValidation is true: forged SAML responses are accepted",
				Fix:      "remove insecureSkipSignatureValidation and set caData to the base64 of the IdP certificate",
			})
		}
	}
	return out
}

// samlCerts decodes a connector's caData. A `$secret:key` reference is
// read from the Secret when the Secrets are known (Argo CD substitutes the
// Secret's value, which must itself be the base64 text); an unresolved
// one is ACD-008's.
func samlCerts(s *policy.Snapshot, in *acdInput, sc *sso.SAML) (certs []policy.Certificate, checked bool, err error) {
	v := sc.CAData.Value
	if ref, ok := sso.ParseSecretRef(v); ok {
		sec, _ := s.LookupSecret(in.obj.Ref.Namespace, ref.Secret)
		if sec == nil {
			return nil, false, nil
		}
		resolved, has := sec.Data[ref.Key]
		if !has {
			return nil, false, nil
		}
		v = strings.TrimSpace(resolved)
	}
	if v == "" {
		return nil, false, nil
	}
	certs, err = s.Certificates(v)
	return certs, true, err
}

func checkCAUsable(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	for _, c := range in.saml() {
		sc := c.SAML
		if sc.SkipsSignatures() {
			continue // Dex reads no CA then; DEX-002 reports the connector
		}
		if sc.CA.Value != "" && sc.CAData.Value != "" {
			out = append(out, policy.Finding{
				Location: in.atDex(sc.CA),
				Message:  "both ca and caData are set; Dex refuses the connector",
				Detail:   "Dex stops with \"must provide either 'ca' or 'caData'\"",
				Fix:      "keep only caData (base64 of the PEM certificate)",
			})
		}
		certs, checked, err := samlCerts(s, &in, sc)
		if !checked || (err != nil && hasPlaceholder(sc.CAData.Value)) {
			continue // a placeholder is DEX-009's: "not base64" would hide what is wrong
		}
		if err != nil {
			out = append(out, policy.Finding{
				Location: in.atDex(sc.CAData),
				Message:  "caData is unusable: " + err.Error(),
				Detail:   "Dex fails to read its configuration and exits",
				Fix:      "set caData to the output of `base64 -w0 idp-cert.pem`",
			})
			continue
		}
		if s.Now.IsZero() {
			continue
		}
		var expired []policy.Certificate
		for _, ci := range certs {
			if !s.Now.Before(ci.NotAfter) {
				expired = append(expired, ci)
			}
		}
		// A valid certificate beside the expired ones (a rotation) still
		// verifies the IdP's responses: only a leftover to clean up.
		allExpired := len(expired) == len(certs)
		for _, ci := range expired {
			f := policy.Finding{
				Location: in.atDex(sc.CAData),
				Message:  fmt.Sprintf("the IdP certificate %q expired on %s", ci.Subject, ci.NotAfter.UTC().Format("2006-01-02")),
				Detail:   "Dex rejects every SAML response signed with it",
				Fix:      "download the current certificate from the IdP and update caData",
			}
			if !allExpired {
				f.Action = policy.ActionWarn
				f.Detail = "caData also holds a valid certificate, so responses signed with that one still verify"
				f.Fix = "remove the expired certificate from caData"
			}
			out = append(out, f)
		}
	}
	return out
}

func checkCertExpiry(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok || s.Now.IsZero() {
		return nil
	}
	var out []policy.Finding
	for _, c := range in.saml() {
		certs, checked, err := samlCerts(s, &in, c.SAML)
		if !checked || err != nil {
			continue
		}
		for _, ci := range certs {
			left := ci.NotAfter.Sub(s.Now)
			if left <= 0 || left > certWarnDays*24*time.Hour {
				continue
			}
			days := int(left.Hours() / 24)
			out = append(out, policy.Finding{
				Location: in.atDex(c.SAML.CAData),
				Message:  fmt.Sprintf("the IdP certificate %q expires in %d days (%s)", ci.Subject, days, ci.NotAfter.UTC().Format("2006-01-02")),
				Fix:      "rotate the certificate in the IdP and update caData before it expires",
			})
		}
	}
	return out
}

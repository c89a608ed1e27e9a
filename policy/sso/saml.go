package sso

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// SAML is the config of a Dex saml connector (connector/saml Config).
type SAML struct {
	SSOURL, MetadataURL             Str
	CA, CAData                      Str
	EntityIssuer, SSOIssuer         Str
	RedirectURI                     Str
	UsernameAttr, EmailAttr         Str
	GroupsAttr, GroupsDelim         Str
	AllowedGroups, FilterGroups     Str
	NameIDPolicyFormat              Str
	InsecureSkipSignatureValidation Str
}

// SAMLKeys are the config keys Dex's SAML connector reads; any other key
// is silently ignored by Dex.
var SAMLKeys = []string{
	"ssoURL", "metadataURL", "metadataRefreshInterval", "ca", "caData", "entityIssuer", "ssoIssuer",
	"redirectURI", "usernameAttr", "emailAttr", "groupsAttr", "groupsDelim", "allowedGroups",
	"filterGroups", "nameIDPolicyFormat", "insecureSkipSignatureValidation",
}

func samlFrom(c *Connector) *SAML {
	return &SAML{
		SSOURL: c.Get("ssoURL"), MetadataURL: c.Get("metadataURL"),
		CA: c.Get("ca"), CAData: c.Get("caData"),
		EntityIssuer: c.Get("entityIssuer"), SSOIssuer: c.Get("ssoIssuer"),
		RedirectURI:  c.Get("redirectURI"),
		UsernameAttr: c.Get("usernameAttr"), EmailAttr: c.Get("emailAttr"),
		GroupsAttr: c.Get("groupsAttr"), GroupsDelim: c.Get("groupsDelim"),
		AllowedGroups: c.Get("allowedGroups"), FilterGroups: c.Get("filterGroups"),
		NameIDPolicyFormat:              c.Get("nameIDPolicyFormat"),
		InsecureSkipSignatureValidation: c.Get("insecureSkipSignatureValidation"),
	}
}

// SkipsSignatures reports whether insecureSkipSignatureValidation is true.
func (s *SAML) SkipsSignatures() bool {
	v := s.InsecureSkipSignatureValidation
	return v.Set && v.Tag == "!!bool" && strings.EqualFold(v.Value, "true")
}

// nameIDFormats are the short forms Dex accepts for nameIDPolicyFormat
// (connector/saml: the last ':' component of a known URN).
var nameIDFormats = []string{
	"emailAddress", "unspecified", "X509SubjectName", "WindowsDomainQualifiedName",
	"encrypted", "entity", "kerberos", "persistent", "transient",
}

var nameIDURNs = map[string]bool{
	"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress":               true,
	"urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified":                true,
	"urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName":            true,
	"urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName": true,
	"urn:oasis:names:tc:SAML:2.0:nameid-format:encrypted":                  true,
	"urn:oasis:names:tc:SAML:2.0:nameid-format:entity":                     true,
	"urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos":                   true,
	"urn:oasis:names:tc:SAML:2.0:nameid-format:persistent":                 true,
	"urn:oasis:names:tc:SAML:2.0:nameid-format:transient":                  true,
}

// KnownNameIDFormat reports whether Dex accepts v as nameIDPolicyFormat
// (empty means the default, persistent).
func KnownNameIDFormat(v string) bool {
	if v == "" || nameIDURNs[v] {
		return true
	}
	for _, f := range nameIDFormats {
		if v == f {
			return true
		}
	}
	return false
}

// DecodeCAData decodes caData as Dex does: standard base64 (newlines
// allowed) of PEM text holding one or more certificates and nothing else.
func DecodeCAData(v string) ([]*x509.Certificate, error) {
	clean := strings.NewReplacer("\n", "", "\r", "").Replace(v)
	raw, err := base64.StdEncoding.DecodeString(clean)
	if err != nil {
		if strings.Contains(v, "-----BEGIN") {
			return nil, errors.New("caData is PEM text, but Dex expects the base64 of the whole PEM (including the BEGIN/END lines)")
		}
		return nil, fmt.Errorf("caData is not base64: %v", err)
	}
	return ParsePEMCerts(raw)
}

// ParsePEMCerts reads PEM certificates the way Dex's SAML connector does:
// every block must be a certificate and no other data may follow.
func ParsePEMCerts(data []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	rest := data
	for {
		block, r := pem.Decode(rest)
		if block == nil {
			break
		}
		rest = r
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d does not parse: %v", len(out)+1, err)
		}
		out = append(out, cert)
	}
	if len(out) == 0 {
		return nil, errors.New("no PEM certificate found")
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, errors.New("data after the last PEM certificate")
	}
	return out, nil
}

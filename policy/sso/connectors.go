package sso

import "strings"

// Config keys of Dex connectors other than SAML, as their Config structs
// declare them (connector/<type>/<type>.go in dexidp/dex). Only the top
// level is listed: nested maps (userSearch, claimMapping) are not judged.
var connectorKeys = map[string][]string{
	"saml": SAMLKeys,
	"ldap": {"host", "insecureNoSSL", "insecureSkipVerify", "startTLS", "rootCA", "clientCert", "clientKey",
		"rootCAData", "bindDN", "bindPW", "usernamePrompt", "kerberos", "userSearch", "groupSearch"},
	"oidc": {"issuer", "issuerAlias", "clientID", "clientSecret", "redirectURI", "providerDiscoveryOverrides",
		"basicAuthUnsupported", "scopes", "hostedDomains", "rootCAs", "insecureSkipEmailVerified",
		"insecureEnableGroups", "allowedGroups", "acrValues", "insecureSkipVerify", "getUserInfo", "userIDKey",
		"userNameKey", "promptType", "pkceChallenge", "overrideClaimMapping", "claimMapping", "claimModifications"},
	"oauth": {"clientID", "clientSecret", "redirectURI", "tokenURL", "authorizationURL", "userInfoURL", "scopes",
		"rootCAs", "insecureSkipVerify", "userIDKey", "claimMapping"},
	"github": {"clientID", "clientSecret", "redirectURI", "org", "orgs", "hostName", "rootCA", "teamNameField",
		"loadAllGroups", "useLoginAsID", "preferredEmailDomain"},
	"gitea":  {"baseURL", "clientID", "clientSecret", "redirectURI", "orgs", "loadAllGroups", "useLoginAsID"},
	"gitlab": {"baseURL", "clientID", "clientSecret", "redirectURI", "groups", "useLoginAsID", "getGroupsPermission", "inheritedGroups", "rootCAData"},
	"google": {"clientID", "clientSecret", "redirectURI", "scopes", "hostedDomains", "groups", "serviceAccountFilePath",
		"fetchTransitiveGroupMembership", "promptType", "adminEmail", "domainToAdminEmail"},
	"microsoft": {"clientID", "clientSecret", "clientAssertion", "redirectURI", "tenant", "onlySecurityGroups", "groups",
		"groupNameFormat", "useGroupsAsWhitelist", "emailToLowercase", "batchGroupLookups", "apiURL", "graphURL",
		"promptType", "domainHint", "scopes", "preferredUsernameField"},
	"bitbucket-cloud": {"clientID", "clientSecret", "redirectURI", "teams", "includeTeamGroups", "getWorkspacePermissions"},
	"openshift":       {"issuer", "clientID", "clientSecret", "redirectURI", "groups", "insecureCA", "rootCA"},
}

// ConnectorKeys returns the config keys Dex reads for a connector type, or
// nil when argoguard does not list them (the type's keys are not judged).
func ConnectorKeys(connectorType string) []string { return connectorKeys[connectorType] }

// loginRestrictionKeys are the config keys that limit who may log in
// through a connector (an organisation, a group, a domain): written beside
// `config` instead of inside it, Dex drops them and lets everybody in.
var loginRestrictionKeys = map[string][]string{
	"github":          {"orgs", "org"},
	"gitea":           {"orgs"},
	"gitlab":          {"groups"},
	"oidc":            {"allowedGroups", "hostedDomains"},
	"saml":            {"allowedGroups"},
	"google":          {"hostedDomains", "groups"},
	"microsoft":       {"groups", "tenant"},
	"bitbucket-cloud": {"teams"},
	"openshift":       {"groups"},
}

// LoginRestrictionKey returns the canonical spelling of key when it limits
// who may log in through a connector of that type ("" otherwise).
func LoginRestrictionKey(connectorType, key string) string {
	return fold(key, loginRestrictionKeys[connectorType])
}

// KnownConnectorKey returns the canonical spelling of key among the config
// keys of the connector type ("" when unknown or the type is not listed).
// Dex decodes with encoding/json, so keys match case-insensitively.
func KnownConnectorKey(connectorType, key string) string {
	return fold(key, connectorKeys[connectorType])
}

func fold(key string, known []string) string {
	for _, k := range known {
		if strings.EqualFold(k, key) {
			return k
		}
	}
	return ""
}

// TLSSwitch is a connector config key that turns off a verification.
type TLSSwitch struct {
	Key string
	// What says what the switch turns off, for messages.
	What string
	// Weak is true when the switch weakens a check rather than opening
	// the connection to impersonation (reported as a warning).
	Weak bool
}

// tlsSwitches are the connector config keys, per type, that turn off TLS
// or identity verification when true (SAML's signature switch has its own
// rule). Sources: connector/ldap/ldap.go, connector/oidc/oidc.go,
// connector/oauth/oauth.go, connector/openshift/openshift.go.
var tlsSwitches = map[string][]TLSSwitch{
	"ldap": {
		{Key: "insecureNoSSL", What: "TLS: the bind password and every user's password cross the network in clear text"},
		{Key: "insecureSkipVerify", What: "TLS certificate verification of the LDAP server: anyone on the path can read the passwords"},
	},
	"oidc": {
		{Key: "insecureSkipVerify", What: "TLS certificate verification of the upstream provider: a man in the middle can serve its own signing keys and forge logins"},
		{Key: "insecureSkipEmailVerified", What: "the upstream's email_verified check: an address nobody proved to own is accepted as the user's e-mail", Weak: true},
	},
	"oauth": {
		{Key: "insecureSkipVerify", What: "TLS certificate verification of the upstream provider: a man in the middle can answer the token and user-info requests"},
	},
	"openshift": {
		{Key: "insecureCA", What: "TLS certificate verification of the OpenShift API: a man in the middle can answer the login"},
	},
}

// TLSSwitches returns the verification switches Dex reads for a connector type.
func TLSSwitches(connectorType string) []TLSSwitch { return tlsSwitches[connectorType] }

// IsTrue reports whether a YAML value is the boolean true, as
// encoding/json reads it after YAML conversion (a quoted "true" is a
// string, which Dex refuses for a bool field).
func (s Str) IsTrue() bool { return s.Tag == "!!bool" && strings.EqualFold(s.Value, "true") }

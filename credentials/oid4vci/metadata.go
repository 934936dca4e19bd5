package oid4vci

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// IssuerMetadata is the Credential Issuer Metadata (OpenID4VCI 1.0 §12.2),
// served as application/json at WellKnownURL(credential_issuer,
// WellKnownCredentialIssuer).
type IssuerMetadata struct {
	CredentialIssuer string `json:"credential_issuer"`
	// AuthorizationServers is omitted: the credential issuer is its own
	// authorization server (see AuthorizationServerMetadata).
	AuthorizationServers              []string                           `json:"authorization_servers,omitempty"`
	CredentialEndpoint                string                             `json:"credential_endpoint"`
	NonceEndpoint                     string                             `json:"nonce_endpoint,omitempty"`
	BatchCredentialIssuance           *BatchCredentialIssuance           `json:"batch_credential_issuance,omitempty"`
	Display                           []Display                          `json:"display,omitempty"`
	CredentialConfigurationsSupported map[string]CredentialConfiguration `json:"credential_configurations_supported"`
}

// BatchCredentialIssuance announces how many proofs one credential request
// may carry.
type BatchCredentialIssuance struct {
	BatchSize int `json:"batch_size"`
}

// Display is the display information of the credential issuer for one
// locale.
type Display struct {
	Name   string `json:"name,omitempty"`
	Locale string `json:"locale,omitempty"`
	Logo   *Image `json:"logo,omitempty"`
}

// Image is a logo or background image.
type Image struct {
	URI     string `json:"uri"`
	AltText string `json:"alt_text,omitempty"`
}

// CredentialConfiguration describes one kind of credential the issuer
// offers (an entry of credential_configurations_supported).
type CredentialConfiguration struct {
	// Format is FormatSDJWTVC ("dc+sd-jwt") or FormatJWTVCJSON
	// ("jwt_vc_json").
	Format string `json:"format"`
	Scope  string `json:"scope,omitempty"`
	// CredentialSigningAlgValuesSupported lists the JWS algorithms the
	// issuer signs this credential with (e.g. "EdDSA", "ES256").
	CredentialSigningAlgValuesSupported []string `json:"credential_signing_alg_values_supported,omitempty"`
	// CryptographicBindingMethodsSupported lists how the holder key may be
	// given: "jwk", "did:key", "did:jwk" (the default when nil), or other
	// "did:<method>" values when Config.KeyResolver resolves them.
	CryptographicBindingMethodsSupported []string `json:"cryptographic_binding_methods_supported,omitempty"`
	// ProofTypesSupported holds exactly the "jwt" proof type; nil means
	// {"jwt": {EdDSA, ES256, ES256K}}.
	ProofTypesSupported map[string]ProofType `json:"proof_types_supported,omitempty"`
	CredentialMetadata  *CredentialMetadata  `json:"credential_metadata,omitempty"`
	// VCT is the SD-JWT VC type; required for dc+sd-jwt, absent otherwise.
	VCT string `json:"vct,omitempty"`
	// CredentialDefinition is required for jwt_vc_json, absent otherwise.
	CredentialDefinition *CredentialDefinition `json:"credential_definition,omitempty"`
}

// ProofType is the metadata of one key proof type.
type ProofType struct {
	ProofSigningAlgValuesSupported []string `json:"proof_signing_alg_values_supported"`
}

// CredentialDefinition is the jwt_vc_json credential type description.
type CredentialDefinition struct {
	// Type lists the VC types, starting with "VerifiableCredential".
	Type []string `json:"type"`
}

// CredentialMetadata holds display information of a credential
// configuration.
type CredentialMetadata struct {
	Display []CredentialDisplay `json:"display,omitempty"`
	Claims  []ClaimDescription  `json:"claims,omitempty"`
}

// CredentialDisplay is the display information of a credential for one
// locale.
type CredentialDisplay struct {
	Name            string `json:"name"`
	Locale          string `json:"locale,omitempty"`
	Logo            *Image `json:"logo,omitempty"`
	Description     string `json:"description,omitempty"`
	BackgroundColor string `json:"background_color,omitempty"`
	BackgroundImage *Image `json:"background_image,omitempty"`
	TextColor       string `json:"text_color,omitempty"`
}

// ClaimDescription describes how a claim is displayed.
type ClaimDescription struct {
	// Path is a claims path pointer: strings select object members, nil
	// selects all array elements, non-negative ints select one element.
	Path      []any          `json:"path"`
	Mandatory bool           `json:"mandatory,omitempty"`
	Display   []ClaimDisplay `json:"display,omitempty"`
}

// ClaimDisplay is the display name of a claim for one locale.
type ClaimDisplay struct {
	Name   string `json:"name,omitempty"`
	Locale string `json:"locale,omitempty"`
}

// AuthorizationServerMetadata is the OAuth 2.0 Authorization Server
// Metadata (RFC 8414) of the credential issuer acting as its own
// authorization server for the pre-authorized code grant, served at
// WellKnownURL(credential_issuer, WellKnownOAuthAuthorizationServer).
// response_types_supported is omitted, as OpenID4VCI 1.0 §12.3 allows for a
// server that only supports the pre-authorized code grant.
type AuthorizationServerMetadata struct {
	Issuer                                     string   `json:"issuer"`
	TokenEndpoint                              string   `json:"token_endpoint"`
	GrantTypesSupported                        []string `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported          []string `json:"token_endpoint_auth_methods_supported"`
	PreAuthorizedGrantAnonymousAccessSupported bool     `json:"pre-authorized_grant_anonymous_access_supported"`
}

// Well-known URI suffixes.
const (
	WellKnownCredentialIssuer         = "openid-credential-issuer"
	WellKnownOAuthAuthorizationServer = "oauth-authorization-server"
)

// WellKnownURL inserts "/.well-known/" + name between the host and the path
// of identifier (OpenID4VCI 1.0 §12.2.2, RFC 8414 §3): for
// "https://example.com/tenant" and WellKnownCredentialIssuer it returns
// "https://example.com/.well-known/openid-credential-issuer/tenant". A
// trailing "/" of identifier is dropped (RFC 8414 §3.1).
func WellKnownURL(identifier, name string) (string, error) {
	u, err := url.Parse(identifier)
	if err != nil {
		return "", fmt.Errorf("well-known URL of %q: %w", identifier, err)
	}
	if u.Scheme == "" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("well-known URL of %q: want scheme://host[/path] without query or fragment", identifier)
	}
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	return u.Scheme + "://" + u.Host + "/.well-known/" + name + path, nil
}

// Metadata returns the credential issuer metadata. The result is a fresh
// copy the caller may modify.
func (s *Service) Metadata() *IssuerMetadata {
	m := &IssuerMetadata{
		CredentialIssuer:                  s.cfg.CredentialIssuer,
		CredentialEndpoint:                s.cfg.CredentialEndpoint,
		NonceEndpoint:                     s.cfg.NonceEndpoint,
		Display:                           slices.Clone(s.cfg.Display),
		CredentialConfigurationsSupported: make(map[string]CredentialConfiguration, len(s.configs)),
	}
	if s.cfg.BatchSize > 1 {
		m.BatchCredentialIssuance = &BatchCredentialIssuance{BatchSize: s.cfg.BatchSize}
	}
	for id, c := range s.configs {
		m.CredentialConfigurationsSupported[id] = c.clone()
	}
	return m
}

// AuthorizationServerMetadata returns the OAuth authorization server
// metadata for the token endpoint.
func (s *Service) AuthorizationServerMetadata() *AuthorizationServerMetadata {
	return &AuthorizationServerMetadata{
		Issuer:                            s.cfg.CredentialIssuer,
		TokenEndpoint:                     s.cfg.TokenEndpoint,
		GrantTypesSupported:               []string{GrantTypePreAuthorizedCode},
		TokenEndpointAuthMethodsSupported: []string{"none"},
		PreAuthorizedGrantAnonymousAccessSupported: true,
	}
}

func (c CredentialConfiguration) clone() CredentialConfiguration {
	out := c
	out.CredentialSigningAlgValuesSupported = slices.Clone(c.CredentialSigningAlgValuesSupported)
	out.CryptographicBindingMethodsSupported = slices.Clone(c.CryptographicBindingMethodsSupported)
	if c.ProofTypesSupported != nil {
		out.ProofTypesSupported = make(map[string]ProofType, len(c.ProofTypesSupported))
		for k, v := range c.ProofTypesSupported {
			out.ProofTypesSupported[k] = ProofType{ProofSigningAlgValuesSupported: slices.Clone(v.ProofSigningAlgValuesSupported)}
		}
	}
	if c.CredentialDefinition != nil {
		out.CredentialDefinition = &CredentialDefinition{Type: slices.Clone(c.CredentialDefinition.Type)}
	}
	if c.CredentialMetadata != nil {
		cm := *c.CredentialMetadata
		cm.Display = slices.Clone(cm.Display)
		cm.Claims = make([]ClaimDescription, len(c.CredentialMetadata.Claims))
		for i, cl := range c.CredentialMetadata.Claims {
			cl.Path = slices.Clone(cl.Path)
			cl.Display = slices.Clone(cl.Display)
			cm.Claims[i] = cl
		}
		if len(cm.Claims) == 0 {
			cm.Claims = nil
		}
		out.CredentialMetadata = &cm
	}
	return out
}

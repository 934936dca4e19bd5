// Package oidc is chainid's OpenID Provider: it lets existing web apps sign
// users in with a chain identity over plain OpenID Connect.
//
// The protocol endpoints (discovery, authorize, token, userinfo, keys,
// end_session and, when enabled, dynamic client registration) come from
// zitadel/oidc's op package over a bbolt-backed op.Storage; this package adds
// what chainid requires on top: PKCE S256 on every authorization request,
// exact redirect_uri matching, single-use codes whose replay revokes the
// tokens they produced, iss in the authorization response (RFC 9207),
// pairwise subjects, RS256 signing keys with rotation, and the server-rendered
// login, consent and error pages.
//
// # Login methods (the hook for SIWE and OpenID4VP logins)
//
// The provider does not authenticate anyone itself. /authorize stores the
// request, binds it to the browser with a cookie and redirects to the login
// page, which lists the registered LoginMethods with a link each:
//
//	GET {base}/oidc/login?id={authRequestID}
//
// A login method is any handler (for example api/siwe.go) that:
//
//  1. reads the pending request with (*Provider).LoginRequest(ctx, r, id):
//     that checks the request exists, is still pending and belongs to this
//     browser (the cookie set by /authorize), so a method may bind its own
//     nonces to the authRequestID as the "session";
//  2. authenticates the user its own way; and
//  3. calls (*Provider).CompleteLogin(ctx, id, Identity{DID, Method, Claims})
//     and sends the browser (303 See Other) to the URL it returns.
//
// CompleteLogin returns the consent page URL. After the user approves (or when
// consent for the same client, user and claims is remembered), the provider
// issues the code and redirects to the client's redirect_uri with code, state
// and iss. A script logging in without a browser follows the same redirects
// with a cookie jar and posts the consent form (it carries a CSRF token).
//
// Register methods with (*Provider).RegisterMethod before serving.
//
// # Subjects and claims
//
// The ID token's sub is pairwise by default: base64url(HMAC-SHA256(secret,
// sector ‖ DID)) where the sector is the host of the client's first
// redirect URI (or its configured sector); a client registered with subject
// type "public" gets the DID itself and, in that case only, a did claim.
// Identity.Claims become ID-token and userinfo claims (the consent page lists
// them); amr carries Identity.Method. Claims that the protocol owns (iss, sub,
// aud, exp, iat, nonce, ...) are refused in Identity.Claims.
//
// # Security considerations
//
// redirect_uri and post_logout_redirect_uri must equal a registered URI byte
// for byte; anything else renders the error page and never redirects. Plain
// PKCE and requests without a code_challenge are refused. The token endpoint
// authenticates the client before it looks a code up. A code is redeemed
// once: a second redemption fails with invalid_grant and revokes the access
// and refresh tokens issued from it. Client secrets are stored as SHA-256
// digests of 256-bit random values. Pages carry a strict CSP without inline
// script or style, frame-ancestors 'none', and POST forms carry a CSRF token
// bound to the browser cookie.
package oidc

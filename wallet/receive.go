package wallet

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/chainid/chainid/credentials/oid4vci"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/verifier/oid4vp"
)

// maxBody bounds what the wallet reads from an issuer or verifier.
const maxBody = 1 << 20

// ParseOffer reads an openid-credential-offer:// URI (credential_offer by
// value; credential_offer_uri is fetched).
func (w *Wallet) ParseOffer(ctx context.Context, uri string) (*oid4vci.CredentialOffer, error) {
	u, err := url.Parse(strings.TrimSpace(uri))
	if err != nil {
		return nil, fmt.Errorf("credential offer URI: %w", err)
	}
	q := u.Query()
	raw := []byte(q.Get("credential_offer"))
	if ref := q.Get("credential_offer_uri"); ref != "" && len(raw) == 0 {
		if err := w.checkURL(ref); err != nil {
			return nil, err
		}
		if raw, err = w.get(ctx, ref); err != nil {
			return nil, err
		}
	}
	if len(raw) == 0 {
		return nil, errors.New("credential offer URI without credential_offer or credential_offer_uri")
	}
	var offer oid4vci.CredentialOffer
	if err := json.Unmarshal(raw, &offer); err != nil {
		return nil, fmt.Errorf("credential offer: %w", err)
	}
	if offer.Grants.PreAuthorizedCode == nil || offer.Grants.PreAuthorizedCode.PreAuthorizedCode == "" {
		return nil, errors.New("the offer has no pre-authorized code grant (the only flow this wallet supports)")
	}
	if len(offer.CredentialConfigurationIDs) == 0 {
		return nil, errors.New("the offer names no credential configuration")
	}
	if err := w.checkURL(offer.CredentialIssuer); err != nil {
		return nil, err
	}
	return &offer, nil
}

func (w *Wallet) checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || !(u.Scheme == "https" || u.Scheme == "http" && w.cfg.InsecureAllowHTTP) {
		return fmt.Errorf("%q is not an https URL", raw)
	}
	return nil
}

// ReceiveOptions tune Receive.
type ReceiveOptions struct {
	// TxCode is the transaction code the offer asks for.
	TxCode string
	// Configurations limits which offered configurations to fetch; empty
	// means all.
	Configurations []string
}

// Receive redeems a credential offer with the pre-authorized code flow and
// stores the credentials; it returns them.
func (w *Wallet) Receive(ctx context.Context, offerURI string, opts ReceiveOptions) ([]store.WalletCredential, error) {
	signer, holder, err := w.signer(ctx)
	if err != nil {
		return nil, err
	}
	offer, err := w.ParseOffer(ctx, offerURI)
	if err != nil {
		return nil, err
	}
	grant := offer.Grants.PreAuthorizedCode
	if grant.TxCode != nil && opts.TxCode == "" {
		return nil, errors.New("the offer needs a transaction code (--tx-code)")
	}
	var meta oid4vci.IssuerMetadata
	if err := w.getJSON(ctx, oid4vciWellKnown(offer.CredentialIssuer, oid4vci.WellKnownCredentialIssuer), &meta); err != nil {
		return nil, fmt.Errorf("credential issuer metadata: %w", err)
	}
	if meta.CredentialIssuer != offer.CredentialIssuer {
		return nil, fmt.Errorf("the metadata names issuer %q, the offer %q", meta.CredentialIssuer, offer.CredentialIssuer)
	}
	var as oid4vci.AuthorizationServerMetadata
	tokenEndpoint := strings.TrimRight(offer.CredentialIssuer, "/") + "/token"
	if err := w.getJSON(ctx, oid4vciWellKnown(offer.CredentialIssuer, oid4vci.WellKnownOAuthAuthorizationServer), &as); err == nil && as.TokenEndpoint != "" {
		tokenEndpoint = as.TokenEndpoint
	}
	for _, e := range []string{tokenEndpoint, meta.CredentialEndpoint} {
		if err := w.checkURL(e); err != nil {
			return nil, err
		}
	}
	form := url.Values{"grant_type": {oid4vci.GrantTypePreAuthorizedCode}, "pre-authorized_code": {grant.PreAuthorizedCode}}
	if opts.TxCode != "" {
		form.Set("tx_code", opts.TxCode)
	}
	var tok oid4vci.TokenResponse
	if err := w.post(ctx, tokenEndpoint, "application/x-www-form-urlencoded", "", []byte(form.Encode()), &tok); err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	configs := offer.CredentialConfigurationIDs
	if len(opts.Configurations) > 0 {
		configs = opts.Configurations
	}
	var out []store.WalletCredential
	for _, cid := range configs {
		conf, ok := meta.CredentialConfigurationsSupported[cid]
		if !ok {
			return out, fmt.Errorf("configuration %q is not in the issuer's metadata", cid)
		}
		var nonce oid4vci.NonceResponse
		if meta.NonceEndpoint != "" {
			if err := w.post(ctx, meta.NonceEndpoint, "", "", nil, &nonce); err != nil {
				return out, fmt.Errorf("nonce: %w", err)
			}
		}
		proof, err := keyProof(signer, holder.KeyID, offer.CredentialIssuer, nonce.CNonce, w.cfg.Now().Unix())
		if err != nil {
			return out, err
		}
		body, _ := json.Marshal(map[string]any{"credential_configuration_id": cid, "proofs": map[string]any{"jwt": []string{proof}}})
		var resp oid4vci.CredentialResponse
		if err := w.post(ctx, meta.CredentialEndpoint, "application/json", tok.AccessToken, body, &resp); err != nil {
			return out, fmt.Errorf("credential %s: %w", cid, err)
		}
		for _, ic := range resp.Credentials {
			wc, err := decodeCredential(conf.Format, ic.Credential)
			if err != nil {
				return out, fmt.Errorf("credential %s: %w", cid, err)
			}
			wc.ID = newID()
			wc.HolderKey = holder.KeyID
			wc.Source = offer.CredentialIssuer
			wc.Received = w.cfg.Now()
			if err := w.store.PutWalletCredential(ctx, wc); err != nil {
				return out, err
			}
			out = append(out, wc)
		}
	}
	return out, nil
}

// oid4vciWellKnown is oid4vci.WellKnownURL without its error (the issuer
// URL was checked).
func oid4vciWellKnown(issuer, name string) string {
	u, err := oid4vci.WellKnownURL(issuer, name)
	if err != nil {
		return issuer
	}
	return u
}

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// keyProof makes an OpenID4VCI jwt key proof.
func keyProof(signer crypto.Signer, kid, aud, nonce string, iat int64) (string, error) {
	claims := map[string]any{"aud": aud, "iat": iat}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	return signJWS(signer, map[string]string{jws.TypeKey: oid4vci.ProofJWTType, jws.KeyIDKey: kid}, claims)
}

// signJWS signs claims with the holder key (EdDSA or ES256).
func signJWS(signer crypto.Signer, headers map[string]string, claims any) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	hdr := jws.NewHeaders()
	for k, v := range headers {
		if err := hdr.Set(k, v); err != nil {
			return "", err
		}
	}
	alg := jwa.ES256
	var key any = signer
	if k, ok := signer.(ed25519.PrivateKey); ok {
		alg, key = jwa.EdDSA, k
	}
	out, err := jws.Sign(payload, jws.WithKey(alg, key, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	return string(out), nil
}

func (w *Wallet) get(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	return w.do(req)
}

func (w *Wallet) getJSON(ctx context.Context, u string, v any) error {
	b, err := w.get(ctx, u)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func (w *Wallet) post(ctx context.Context, u, contentType, bearer string, body []byte, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	b, err := w.do(req)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func (w *Wallet) do(req *http.Request) ([]byte, error) {
	resp, err := w.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
			Detail      string `json:"detail"`
		}
		if json.Unmarshal(b, &e) == nil && (e.Error != "" || e.Detail != "") {
			return nil, fmt.Errorf("%s answered %d: %s", req.URL.Redacted(), resp.StatusCode, strings.TrimSpace(e.Error+" "+e.Description+e.Detail))
		}
		return nil, fmt.Errorf("%s answered %d", req.URL.Redacted(), resp.StatusCode)
	}
	return b, nil
}

// decodeCredential reads what the wallet needs to match a credential: its
// issuer, types and claims. It does not verify the issuer's signature.
func decodeCredential(format, cred string) (store.WalletCredential, error) {
	wc := store.WalletCredential{Format: format, Credential: cred}
	switch format {
	case oid4vci.FormatSDJWTVC:
		claims, err := sdjwtClaims(cred)
		if err != nil {
			return wc, err
		}
		wc.Issuer, _ = claims["iss"].(string)
		if vct, _ := claims["vct"].(string); vct != "" {
			wc.Types = []string{vct}
		}
		wc.Claims, _ = json.Marshal(claims)
	case oid4vci.FormatJWTVCJSON:
		payload, err := jwtPayload(cred)
		if err != nil {
			return wc, err
		}
		var p struct {
			Iss string          `json:"iss"`
			VC  json.RawMessage `json:"vc"`
		}
		if err := json.Unmarshal(payload, &p); err != nil || len(p.VC) == 0 {
			return wc, errors.New("jwt_vc_json credential without a vc claim")
		}
		wc.Issuer, wc.Claims = p.Iss, p.VC
		var vc struct {
			Type any `json:"type"`
		}
		_ = json.Unmarshal(p.VC, &vc)
		wc.Types = stringsOf(vc.Type)
	case oid4vp.FormatLDPVC:
		return decodeLDP(wc)
	case oid4vp.FormatZK:
		return decodeZK(wc)
	default:
		return wc, fmt.Errorf("credential format %q is not supported by this wallet", format)
	}
	return wc, nil
}

func stringsOf(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func jwtPayload(tok string) ([]byte, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a compact JWT")
	}
	return base64.RawURLEncoding.DecodeString(parts[1])
}

// sdjwtClaims expands an SD-JWT's disclosures into its full claims.
func sdjwtClaims(sd string) (map[string]any, error) {
	parts := strings.Split(sd, "~")
	payload, err := jwtPayload(parts[0])
	if err != nil {
		return nil, err
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, fmt.Errorf("SD-JWT payload: %w", err)
	}
	byDigest := map[string][]any{}
	for _, d := range parts[1:] {
		if d == "" {
			continue
		}
		raw, err := base64.RawURLEncoding.DecodeString(d)
		if err != nil {
			return nil, fmt.Errorf("disclosure: %w", err)
		}
		var arr []any
		if err := json.Unmarshal(raw, &arr); err != nil {
			return nil, fmt.Errorf("disclosure: %w", err)
		}
		h := sha256.Sum256([]byte(d))
		byDigest[base64.RawURLEncoding.EncodeToString(h[:])] = arr
	}
	out, _ := expand(claims, byDigest, 0).(map[string]any)
	delete(out, "_sd_alg")
	return out, nil
}

func expand(v any, byDigest map[string][]any, depth int) any {
	if depth > 32 {
		return v
	}
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			if k != "_sd" {
				out[k] = expand(x, byDigest, depth+1)
			}
		}
		if sd, ok := v["_sd"].([]any); ok {
			for _, d := range sd {
				ds, _ := d.(string)
				if arr := byDigest[ds]; len(arr) == 3 {
					if name, ok := arr[1].(string); ok {
						out[name] = expand(arr[2], byDigest, depth+1)
					}
				}
			}
		}
		return out
	case []any:
		var out []any
		for _, x := range v {
			if m, ok := x.(map[string]any); ok && len(m) == 1 {
				if ds, ok := m["..."].(string); ok {
					if arr := byDigest[ds]; len(arr) == 2 {
						out = append(out, expand(arr[1], byDigest, depth+1))
					}
					continue
				}
			}
			out = append(out, expand(x, byDigest, depth+1))
		}
		return out
	}
	return v
}

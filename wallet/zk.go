package wallet

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/chainid/chainid/credentials/status"
	"github.com/chainid/chainid/credentials/zkcred"
	"github.com/chainid/chainid/verifier/zk"
	"github.com/chainid/chainid/zkp"
)

// Limits of the holder-side ZK helpers.
const (
	// MaxZKStatusListBytes bounds a fetched status list credential.
	MaxZKStatusListBytes = 4 << 20
	// MaxZKRequestBytes bounds a fetched proof request.
	MaxZKRequestBytes = 64 << 10
)

// ErrZKStatusRoot reports a status list whose tree root is not the one the
// request names for the credential's issuer: the list is stale or the
// anchored root changed since the request was made.
var ErrZKStatusRoot = errors.New("status list root differs from the request's")

// BuildZKWitness assembles the witness that answers req with cred: the
// request's statement for cred's issuer (Request.Statement, every element
// recomputed from the request's strings), the signed credential, the
// holder secret and the status path from tree. It refuses, with a clear
// error, a credential of another issuer or schema, an attribute list that
// differs from the request's, a secret that is not the one committed in
// the credential, and a tree whose root is not the request's; then it
// checks the statement natively (expired, revoked, a predicate that does
// not hold: zkp's sentinel errors) so no proving time is spent on a false
// statement.
func BuildZKWitness(req *zk.Request, cred *zkcred.Credential, secret fr.Element, tree *zkp.StatusTree) (*zkp.Witness, error) {
	if _, ok := req.Issuer(cred.Issuer()); !ok {
		return nil, fmt.Errorf("the request does not accept credentials of %s", cred.Issuer())
	}
	if cred.SchemaID() != req.Schema {
		return nil, fmt.Errorf("the request asks for schema %s, the credential has %s", req.Schema, cred.SchemaID())
	}
	want, err := req.Specs()
	if err != nil {
		return nil, err
	}
	if !slices.EqualFunc(want, cred.Specs(), func(a, b zkp.AttributeSpec) bool {
		return a.Name == b.Name && a.Type == b.Type && slices.Equal(a.Enum, b.Enum)
	}) {
		return nil, fmt.Errorf("the request's attribute list for %s differs from the credential's", req.Schema)
	}
	commit := zkp.HolderCommitment(secret)
	if hc := cred.HolderCommitment(); !commit.Equal(&hc) {
		return nil, errors.New("the holder secret is not the one committed in the credential")
	}
	stmt, err := req.Statement(cred.Issuer())
	if err != nil {
		return nil, err
	}
	if root := tree.Root(); !root.Equal(&stmt.StatusRoot) {
		return nil, fmt.Errorf("%w: the list's root is %s, the request's %s (fetch the current status list, or ask the verifier for a new request)",
			ErrZKStatusRoot, zkp.FormatElement(root), zkp.FormatElement(stmt.StatusRoot))
	}
	path, err := tree.Path(cred.StatusIndex())
	if err != nil {
		return nil, err
	}
	w := &zkp.Witness{Request: *stmt, Credential: cred.ZK(), Signature: cred.Signature(), HolderSecret: secret, StatusPath: path}
	if _, err := w.PublicInputs(); err != nil {
		return nil, fmt.Errorf("the credential cannot answer request %s: %w", req.ID, err)
	}
	return w, nil
}

// ProveZK answers req with cred: it builds the witness (BuildZKWitness),
// proves it (about 0.3 s) and returns the submission POST /v1/zk/verify
// takes, with the plaintexts of the revealed attributes.
func ProveZK(ctx context.Context, pk *zkp.ProvingKey, req *zk.Request, cred *zkcred.Credential, secret fr.Element, tree *zkp.StatusTree) (*zk.Submission, error) {
	w, err := BuildZKWitness(req, cred, secret, tree)
	if err != nil {
		return nil, err
	}
	proof, pub, err := zkp.Prove(ctx, pk, w)
	if err != nil {
		return nil, fmt.Errorf("prove request %s: %w", req.ID, err)
	}
	pj, err := proof.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("encode proof: %w", err)
	}
	ij, err := pub.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("encode public inputs: %w", err)
	}
	sub := &zk.Submission{Type: zk.TypeSubmission, Request: req.ID, Issuer: cred.Issuer(), Proof: pj, PublicInputs: ij}
	attrs := cred.Attributes()
	for _, rv := range req.Reveal {
		v, err := json.Marshal(attrs[rv.Index].Value)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", rv.Attribute, err)
		}
		if sub.Disclosed == nil {
			sub.Disclosed = map[string]json.RawMessage{}
		}
		sub.Disclosed[rv.Attribute] = v
	}
	return sub, nil
}

// ZKStatusTree builds the status tree of a ZK credential's revocation list
// from a status list document: a BitstringStatusListCredential as JSON (any
// securing format's JSON form), as a compact JWT (vc+jwt payload or a
// jwt_vc_json "vc" claim), or the bare encodedList string. The signature
// is not checked: the tree's root is compared with the anchored root the
// request carries, which is what binds the list. The tree covers the
// list's first zkp.MaxStatusBits bits (see credentials/zkcred).
func ZKStatusTree(doc []byte) (*zkp.StatusTree, error) {
	encoded, err := encodedList(bytes.TrimSpace(doc))
	if err != nil {
		return nil, fmt.Errorf("status list: %w", err)
	}
	list, err := status.Decode(encoded, status.DefaultMaxBytes)
	if err != nil {
		return nil, fmt.Errorf("status list: %w", err)
	}
	bits := make([]byte, zkp.MaxStatusBits/8)
	copy(bits, list.Bytes())
	return zkp.NewStatusTree(bits)
}

func encodedList(doc []byte) (string, error) {
	if len(doc) > 0 && doc[0] == 'u' && !bytes.ContainsAny(doc, ".{") {
		return string(doc), nil
	}
	if len(doc) > 0 && doc[0] != '{' {
		parts := strings.Split(string(doc), ".")
		if len(parts) != 3 {
			return "", errors.New("neither JSON, a compact JWT nor an encodedList")
		}
		payload, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			return "", fmt.Errorf("JWT payload: %w", err)
		}
		doc = payload
	}
	var c struct {
		CredentialSubject json.RawMessage `json:"credentialSubject"`
		VC                *struct {
			CredentialSubject json.RawMessage `json:"credentialSubject"`
		} `json:"vc"`
	}
	if err := json.Unmarshal(doc, &c); err != nil {
		return "", fmt.Errorf("status list credential: %w", err)
	}
	subj := c.CredentialSubject
	if subj == nil && c.VC != nil {
		subj = c.VC.CredentialSubject
	}
	var s struct {
		EncodedList string `json:"encodedList"`
	}
	if err := json.Unmarshal(subj, &s); err != nil || s.EncodedList == "" {
		return "", errors.New("no credentialSubject.encodedList")
	}
	return s.EncodedList, nil
}

// FetchZK GETs a proof request or status list over HTTP(S) with a size
// limit; client bounds time (nil means http.DefaultClient, so pass one
// with a timeout).
func FetchZK(ctx context.Context, client *http.Client, url string, limit int64) ([]byte, error) {
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		return nil, fmt.Errorf("fetch %s: not an http(s) URL", url)
	}
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: HTTP %d", url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("fetch %s: more than %d bytes", url, limit)
	}
	return body, nil
}

// WriteZKHolderSecret draws a new holder secret and writes it, in
// canonical decimal, to a new file of mode 0600 (an existing file is never
// overwritten). It returns the secret's commitment, the value to send to
// an issuer.
func WriteZKHolderSecret(path string) (fr.Element, error) {
	secret, err := zkp.NewHolderSecret(nil)
	if err != nil {
		return fr.Element{}, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fr.Element{}, fmt.Errorf("create holder secret: %w", err)
	}
	_, werr := f.WriteString(zkp.FormatElement(secret) + "\n")
	if err := errors.Join(werr, f.Close()); err != nil {
		return fr.Element{}, fmt.Errorf("write holder secret %s: %w", path, err)
	}
	return zkp.HolderCommitment(secret), nil
}

// ReadZKHolderSecret reads a holder secret file; it refuses a file that
// others can read or write.
func ReadZKHolderSecret(path string) (fr.Element, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fr.Element{}, fmt.Errorf("holder secret: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fr.Element{}, fmt.Errorf("holder secret %s has mode %v: want 0600", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fr.Element{}, fmt.Errorf("holder secret: %w", err)
	}
	secret, err := zkp.ParseElement(strings.TrimSpace(string(b)))
	if err != nil || secret.IsZero() {
		return fr.Element{}, fmt.Errorf("holder secret %s: not a canonical non-zero field element", path)
	}
	return secret, nil
}

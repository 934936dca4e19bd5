package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/chainid/chainid/api"
)

// issuerBackend is what the credential commands need; the local services
// and the running server's API both provide it.
type issuerBackend interface {
	IssueCredential(ctx context.Context, req api.IssueRequest) (api.IssueResult, error)
	SetCredentialStatus(ctx context.Context, id, purpose string, value bool) (api.CredentialState, error)
	AddSchema(ctx context.Context, req api.AddSchemaRequest) (api.SchemaInfo, error)
	ListSchemas(ctx context.Context, issuer string) ([]api.SchemaInfo, error)
	ListIssuers(ctx context.Context) ([]api.IssuerInfo, error)
	AddIssuer(ctx context.Context, req api.AddIssuerRequest) (api.IssuerInfo, error)
	RotateIssuerKey(ctx context.Context, did string, req api.RotateKeyRequest) (api.IssuerInfo, error)
	CreateOffer(ctx context.Context, req api.CreateOfferRequest) (api.OfferInfo, error)
	CreateAPIKey(ctx context.Context, req api.CreateAPIKeyRequest) (api.APIKeyInfo, error)
	VerifyCredential(ctx context.Context, vc json.RawMessage) (api.VerifyResult, error)
	Close() error
}

var (
	_ issuerBackend = (*services)(nil)
	_ issuerBackend = (*remoteBackend)(nil)
)

// openIssuerBackend opens the store or, when a server holds it, that
// server's API.
func openIssuerBackend(ctx context.Context, cfg *Config) (issuerBackend, error) {
	b, err := openBackend(ctx, cfg)
	if err != nil {
		return nil, err
	}
	ib, ok := b.(issuerBackend)
	if !ok {
		b.Close()
		return nil, fmt.Errorf("backend %T cannot issue credentials", b)
	}
	return ib, nil
}

// withIssuerBackend runs fn with an open backend.
func withIssuerBackend(c *cobra.Command, cfg *Config, fn func(ctx context.Context, b issuerBackend) error) error {
	ctx := c.Context()
	b, err := openIssuerBackend(ctx, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	return fn(ctx, b)
}

// readInput reads a file, or stdin for "-", up to 4 MiB.
func readInput(c *cobra.Command, name string) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		r = c.InOrStdin()
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, 4<<20+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > 4<<20 {
		return nil, fmt.Errorf("%s is larger than 4 MiB", name)
	}
	return b, nil
}

// parseWhen reads an RFC 3339 time or a duration from now ("720h").
func parseWhen(flag, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return &t, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return nil, fmt.Errorf("--%s %q: want an RFC 3339 time or a duration such as 720h", flag, s)
	}
	t := time.Now().Add(d).UTC().Truncate(time.Second)
	return &t, nil
}

func newVCCommand(cfg *Config, stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "vc", Short: "Issue, verify, revoke, suspend and reinstate verifiable credentials"}

	var (
		schemaID, subject, issuerDID, validFrom, validUntil, typ, holderKey, holderCommitment string
		formats, disclosable                                                                  []string
		suspendable                                                                           bool
	)
	issue := &cobra.Command{
		Use:   "issue --schema S --subject FILE|- [--format F ...]",
		Short: "Issue a credential",
		Long: "Validates the subject (a JSON object) against the issuer's schema, allocates its status\n" +
			"entries and issues the credential in each --format: vc+jwt, jwt_vc_json, dc+sd-jwt,\n" +
			"eddsa-rdfc-2022 (default), eddsa-jcs-2022, ecdsa-rdfc-2019, zk (a ZK credential for\n" +
			"zero-knowledge proofs; needs --holder-commitment, see `chainid wallet`).\n\n" +
			"With one format the credential alone is printed (the JWT, or the JSON document) and its id\n" +
			"goes to stderr; with several, or with --json, {id, issuer, credentials: {format: value}}.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if schemaID == "" || subject == "" {
				return errors.New("vc issue needs --schema and --subject")
			}
			subj, err := readInput(c, subject)
			if err != nil {
				return err
			}
			if !json.Valid(subj) {
				return fmt.Errorf("--subject %s is not JSON", subject)
			}
			req := api.IssueRequest{Issuer: issuerDID, Schema: schemaID, Subject: bytes.TrimSpace(subj), Type: typ,
				Formats: formats, Disclosable: disclosable, Suspendable: suspendable, HolderCommitment: holderCommitment}
			if req.ValidFrom, err = parseWhen("valid-from", validFrom); err != nil {
				return err
			}
			if req.ValidUntil, err = parseWhen("valid-until", validUntil); err != nil {
				return err
			}
			if holderKey != "" {
				hk, err := readInput(c, holderKey)
				if err != nil {
					return err
				}
				req.HolderKey = bytes.TrimSpace(hk)
			}
			return withIssuerBackend(c, cfg, func(ctx context.Context, b issuerBackend) error {
				res, err := b.IssueCredential(ctx, req)
				if err != nil {
					return err
				}
				if cfg.JSON || len(res.Credentials) != 1 {
					return writeJSON(stdout, res)
				}
				fmt.Fprintln(stderr, "issued "+res.ID)
				for _, v := range res.Credentials {
					var tok string
					if json.Unmarshal(v, &tok) == nil {
						_, err = fmt.Fprintln(stdout, tok)
						return err
					}
					return writeJSONIndent(stdout, v)
				}
				return nil
			})
		},
	}
	f := issue.Flags()
	f.StringVar(&schemaID, "schema", "", "the $id of a schema the issuer registered")
	f.StringVar(&subject, "subject", "", "file holding the credentialSubject JSON object (- for stdin)")
	f.StringSliceVar(&formats, "format", nil, "securing format; repeat or comma-separate for several")
	f.StringVar(&issuerDID, "issuer", "", "issuer DID (default: the default issuer)")
	f.StringVar(&validFrom, "valid-from", "", "start of validity: RFC 3339 time or duration from now (default now)")
	f.StringVar(&validUntil, "valid-until", "", "end of validity: RFC 3339 time or duration from now (e.g. 8760h)")
	f.StringVar(&typ, "type", "", "an extra credential type, e.g. PersonCredential")
	f.StringSliceVar(&disclosable, "disclosable", nil, "dc+sd-jwt: JSON Pointer of a selectively disclosable subject claim (repeatable)")
	f.StringVar(&holderKey, "holder-key", "", "dc+sd-jwt: file holding the holder's public JWK (cnf)")
	f.BoolVar(&suspendable, "suspendable", false, "add a suspension status entry")
	f.StringVar(&holderCommitment, "holder-commitment", "", "zk: the holder's commitment to its secret (decimal field element)")

	verify := &cobra.Command{
		Use:   "verify FILE|-",
		Short: "Verify a credential (format detected) and exit non-zero unless it verifies",
		Long: "Reads a credential: a JWT or SD-JWT (text), a credential with Data Integrity proofs or an\n" +
			"EnvelopedVerifiableCredential (JSON), or a VC-API verify request body. Checks the proof,\n" +
			"the validity period and the status.",
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			in, err := readInput(c, args[0])
			if err != nil {
				return err
			}
			vc, err := credentialInput(in)
			if err != nil {
				return err
			}
			return withIssuerBackend(c, cfg, func(ctx context.Context, b issuerBackend) error {
				res, err := b.VerifyCredential(ctx, vc)
				if err != nil {
					return err
				}
				if cfg.JSON {
					if err := writeJSON(stdout, res); err != nil {
						return err
					}
				} else {
					tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
					fmt.Fprintf(tw, "verified\t%v\nformat\t%s\nissuer\t%s\nchecks\t%s\n", res.Verified, res.Format, res.Issuer, strings.Join(res.Checks, ", "))
					for _, p := range res.Errors {
						fmt.Fprintf(tw, "error\t%s%s\n", p.Title, detail(p.Detail))
					}
					for _, p := range res.Warnings {
						fmt.Fprintf(tw, "warning\t%s%s\n", p.Title, detail(p.Detail))
					}
					if err := tw.Flush(); err != nil {
						return err
					}
				}
				if !res.Verified {
					msg := "the credential did not verify"
					if len(res.Errors) > 0 {
						msg += ": " + res.Errors[0].Title
					}
					return errors.New(msg)
				}
				return nil
			})
		},
	}

	cmd.AddCommand(issue, verify, newOfferCommand(cfg, stdout, stderr))
	for _, op := range []struct {
		name, short, purpose string
		value                bool
	}{
		{"revoke", "Revoke a credential (permanent)", "revocation", true},
		{"suspend", "Suspend a credential issued with --suspendable", "suspension", true},
		{"reinstate", "Lift a credential's suspension", "suspension", false},
	} {
		cmd.AddCommand(&cobra.Command{
			Use:   op.name + " ID",
			Short: op.short,
			Args:  cobra.ExactArgs(1),
			RunE: func(c *cobra.Command, args []string) error {
				return withIssuerBackend(c, cfg, func(ctx context.Context, b issuerBackend) error {
					st, err := b.SetCredentialStatus(ctx, args[0], op.purpose, op.value)
					if err != nil {
						return err
					}
					return writeLine(stdout, cfg.JSON, st, fmt.Sprintf("%s: revoked=%v suspended=%v", st.ID, st.Revoked, st.Suspended))
				})
			},
		})
	}
	return cmd
}

func newOfferCommand(cfg *Config, stdout, stderr io.Writer) *cobra.Command {
	var (
		schemaID, subject, expiresIn, validUntil, txMode string
		configs, disclosable                             []string
		txCode                                           bool
	)
	offer := &cobra.Command{
		Use:   "offer --schema S --subject FILE|- [--tx-code]",
		Short: "Create an OpenID4VCI credential offer (pre-authorized code) and print its URI",
		Long: "Validates the subject against the default issuer's schema and creates a credential offer\n" +
			"for a wallet: prints the openid-credential-offer:// URI (for a QR code or link). With\n" +
			"--tx-code the token endpoint also wants a transaction code, printed to stderr: send it to\n" +
			"the holder over another channel. The wallet chooses among the schema's configurations\n" +
			"(<name>_sd_jwt, <name>_jwt_vc_json; --configuration limits them) and binds the credential\n" +
			"to its key. The credential issuer is the server's public URL (https, or http on loopback).",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if schemaID == "" || subject == "" {
				return errors.New("vc offer needs --schema and --subject")
			}
			subj, err := readInput(c, subject)
			if err != nil {
				return err
			}
			if !json.Valid(subj) {
				return fmt.Errorf("--subject %s is not JSON", subject)
			}
			req := api.CreateOfferRequest{Schema: schemaID, Subject: bytes.TrimSpace(subj), Configurations: configs, Disclosable: disclosable}
			if expiresIn != "" {
				d, err := time.ParseDuration(expiresIn)
				if err != nil || d < time.Second {
					return fmt.Errorf("--expires-in %q: want a duration such as 10m", expiresIn)
				}
				req.ExpiresIn = int(d / time.Second)
			}
			if req.ValidUntil, err = parseWhen("valid-until", validUntil); err != nil {
				return err
			}
			if txCode || txMode != "" {
				req.TxCode = &api.OfferTxCode{InputMode: txMode}
			}
			return withIssuerBackend(c, cfg, func(ctx context.Context, b issuerBackend) error {
				res, err := b.CreateOffer(ctx, req)
				if err != nil {
					return err
				}
				if cfg.JSON {
					return writeJSON(stdout, res)
				}
				if res.TxCode != "" {
					fmt.Fprintln(stderr, "tx code: "+res.TxCode)
				}
				_, err = fmt.Fprintln(stdout, res.URI)
				return err
			})
		},
	}
	f := offer.Flags()
	f.StringVar(&schemaID, "schema", "", "the $id of a schema the default issuer registered")
	f.StringVar(&subject, "subject", "", "file holding the credentialSubject JSON object (- for stdin)")
	f.StringSliceVar(&configs, "configuration", nil, "offered configuration id (repeatable; default all of the schema's)")
	f.BoolVar(&txCode, "tx-code", false, "require a numeric transaction code (printed to stderr)")
	f.StringVar(&txMode, "tx-code-mode", "", "transaction code input mode: numeric or text (implies --tx-code)")
	f.StringVar(&expiresIn, "expires-in", "", "lifetime of the offer (default 10m, at most 720h)")
	f.StringVar(&validUntil, "valid-until", "", "end of the credential's validity: RFC 3339 time or duration from now")
	f.StringSliceVar(&disclosable, "disclosable", nil, "dc+sd-jwt: selectively disclosable claim (JSON Pointer; default every top-level claim)")
	return offer
}

func detail(s string) string {
	if s == "" {
		return ""
	}
	return ": " + oneLine(s)
}

// credentialInput turns what vc verify read into the verifiableCredential
// value: a JSON object as is (the verifiableCredential member of a VC-API
// request), anything else as a token string.
func credentialInput(in []byte) (json.RawMessage, error) {
	in = bytes.TrimSpace(in)
	if len(in) == 0 {
		return nil, errors.New("the input is empty")
	}
	switch in[0] {
	case '{':
		var req struct {
			VC json.RawMessage `json:"verifiableCredential"`
		}
		if err := json.Unmarshal(in, &req); err != nil {
			return nil, fmt.Errorf("the input is not JSON: %w", err)
		}
		if req.VC != nil {
			return req.VC, nil
		}
		return in, nil
	case '"':
		return in, nil
	}
	return json.Marshal(string(in))
}

func newSchemaCommand(cfg *Config, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "schema", Short: "Register and list credential schemas"}
	var issuerDID string
	add := &cobra.Command{
		Use:   "add FILE|-",
		Short: "Register a JSON Schema (2020-12) for an issuer",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			raw, err := readInput(c, args[0])
			if err != nil {
				return err
			}
			if !json.Valid(raw) {
				return fmt.Errorf("%s is not JSON", args[0])
			}
			return withIssuerBackend(c, cfg, func(ctx context.Context, b issuerBackend) error {
				info, err := b.AddSchema(ctx, api.AddSchemaRequest{Issuer: issuerDID, Schema: bytes.TrimSpace(raw)})
				if err != nil {
					return err
				}
				return writeLine(stdout, cfg.JSON, info, info.ID)
			})
		},
	}
	add.Flags().StringVar(&issuerDID, "issuer", "", "issuer DID (default: the default issuer)")
	var listIssuer string
	list := &cobra.Command{
		Use:   "list",
		Short: "List registered schemas",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return withIssuerBackend(c, cfg, func(ctx context.Context, b issuerBackend) error {
				list, err := b.ListSchemas(ctx, listIssuer)
				if err != nil {
					return err
				}
				return writeTable(stdout, cfg.JSON, list, "SCHEMA\tISSUER\tCREATED", func(s api.SchemaInfo) string {
					return fmt.Sprintf("%s\t%s\t%s", s.ID, s.Issuer, s.Created.UTC().Format(time.RFC3339))
				})
			})
		},
	}
	list.Flags().StringVar(&listIssuer, "issuer", "", "only this issuer's schemas")
	cmd.AddCommand(add, list)
	return cmd
}

func newIssuerCommand(cfg *Config, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "issuer", Short: "List and create credential issuers"}
	list := &cobra.Command{
		Use:   "list",
		Short: "List issuers and their DIDs",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return withIssuerBackend(c, cfg, func(ctx context.Context, b issuerBackend) error {
				list, err := b.ListIssuers(ctx)
				if err != nil {
					return err
				}
				return writeTable(stdout, cfg.JSON, list, "DID\tDEFAULT\tKEYS\tLABEL", func(i api.IssuerInfo) string {
					var kts []string
					for _, k := range i.Keys {
						kts = append(kts, k.KeyType)
					}
					return fmt.Sprintf("%s\t%v\t%s\t%s", i.DID, i.Default, strings.Join(kts, ","), i.Label)
				})
			})
		},
	}
	var method, keyType, label string
	var def bool
	add := &cobra.Command{
		Use:   "add --method key|ethr",
		Short: "Create an issuer",
		Long: "--method key creates a did:key issuer with one key (--type Ed25519 or P-256).\n" +
			"--method ethr creates a did:ethr on the default chain and publishes an Ed25519 and a P-256\n" +
			"assertion key on its registry. Status lists of the issuer live under the server's public URL\n" +
			"(--public-url when no server runs; default " + defaultPublicURL + ").",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if method != "key" && method != "ethr" {
				return fmt.Errorf("--method must be key or ethr, not %q", method)
			}
			if cfg.PublicURL != "" {
				u, err := url.Parse(cfg.PublicURL)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
					return fmt.Errorf("--public-url %q must be an absolute http(s) URL without query or fragment", cfg.PublicURL)
				}
				cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
			}
			return withIssuerBackend(c, cfg, func(ctx context.Context, b issuerBackend) error {
				info, err := b.AddIssuer(ctx, api.AddIssuerRequest{Method: method, KeyType: keyType, Label: label, Default: def})
				if err != nil {
					return err
				}
				return writeLine(stdout, cfg.JSON, info, info.DID)
			})
		},
	}
	add.Flags().StringVar(&method, "method", "", "DID method: key or ethr")
	add.Flags().StringVar(&keyType, "type", "", "did:key key type: Ed25519 (default) or P-256")
	add.Flags().StringVar(&label, "label", "", "a label for the issuer and its keys")
	add.Flags().BoolVar(&def, "default", false, "make it the default issuer when there is none")
	add.Flags().StringVar(&cfg.PublicURL, "public-url", "", "public base URL of the server that will serve its status lists (without a running server)")
	var rotateType string
	rotate := &cobra.Command{
		Use:   "rotate-key DID [--type Ed25519|P-256]",
		Short: "Publish a new assertion key for an issuer and sign with it from now on",
		Long: "Generates a key in the keystore, publishes it in the issuer's DID document (a did:ethr\n" +
			"did/pub attribute) and makes it the signing key of its type (--type, default the type of the\n" +
			"issuer's preferred key). The key it replaces is retired: it signs nothing more but stays\n" +
			"published, so credentials it signed keep verifying; `issuer list --json` shows when the last\n" +
			"of them expires (retireAfter). A did:key issuer cannot rotate: the DID is its key.",
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if rotateType != "" && rotateType != "Ed25519" && rotateType != "P-256" {
				return fmt.Errorf("--type must be Ed25519 or P-256, not %q", rotateType)
			}
			return withIssuerBackend(c, cfg, func(ctx context.Context, b issuerBackend) error {
				info, err := b.RotateIssuerKey(ctx, args[0], api.RotateKeyRequest{KeyType: rotateType})
				if err != nil {
					return err
				}
				if cfg.JSON {
					return writeJSON(stdout, info)
				}
				for _, k := range info.Keys {
					if k.Retired == nil {
						_, err = fmt.Fprintln(stdout, k.VerificationMethod)
						return err
					}
				}
				return nil
			})
		},
	}
	rotate.Flags().StringVar(&rotateType, "type", "", "key type of the new key: Ed25519 or P-256 (default: the preferred key's type)")
	cmd.AddCommand(list, add, rotate)
	return cmd
}

func newAPIKeyCommand(cfg *Config, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "apikey", Short: "Manage issuer-admin API keys"}
	var name string
	create := &cobra.Command{
		Use:   "create [--name N]",
		Short: "Create an API key and print it (only its hash is stored)",
		Long: "Prints a new issuer-admin API key. Requests carry it as Authorization: Bearer KEY. The key\n" +
			"is shown once: the store keeps only its SHA-256. Works while `chainid serve` runs on the\n" +
			"data dir (through its admin API) and without a server.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return withIssuerBackend(c, cfg, func(ctx context.Context, b issuerBackend) error {
				info, err := b.CreateAPIKey(ctx, api.CreateAPIKeyRequest{Name: name})
				if err != nil {
					return err
				}
				return writeLine(stdout, cfg.JSON, info, info.Key)
			})
		},
	}
	create.Flags().StringVar(&name, "name", "", "a name to recognise the key by")
	cmd.AddCommand(create)
	return cmd
}

// Remote implementations: the running server's API.

func (r *remoteBackend) IssueCredential(ctx context.Context, req api.IssueRequest) (api.IssueResult, error) {
	var out api.IssueResult
	_, err := r.do(ctx, http.MethodPost, "/v1/credentials", "application/json", req, &out)
	return out, err
}

func (r *remoteBackend) SetCredentialStatus(ctx context.Context, id, purpose string, value bool) (api.CredentialState, error) {
	verb := "revoke"
	switch {
	case purpose == "suspension" && value:
		verb = "suspend"
	case purpose == "suspension":
		verb = "reinstate"
	case !value:
		return api.CredentialState{}, errors.New("revocation cannot be undone")
	}
	var out api.CredentialState
	_, err := r.do(ctx, http.MethodPost, "/v1/credentials/"+url.PathEscape(id)+"/"+verb, "application/json", nil, &out)
	return out, err
}

func (r *remoteBackend) AddSchema(ctx context.Context, req api.AddSchemaRequest) (api.SchemaInfo, error) {
	var out api.SchemaInfo
	_, err := r.do(ctx, http.MethodPost, "/v1/schemas", "application/json", req, &out)
	return out, err
}

func (r *remoteBackend) ListSchemas(ctx context.Context, issuerDID string) ([]api.SchemaInfo, error) {
	var out struct {
		Schemas []api.SchemaInfo `json:"schemas"`
	}
	path := "/v1/schemas"
	if issuerDID != "" {
		path += "?issuer=" + url.QueryEscape(issuerDID)
	}
	_, err := r.do(ctx, http.MethodGet, path, "application/json", nil, &out)
	return out.Schemas, err
}

func (r *remoteBackend) ListIssuers(ctx context.Context) ([]api.IssuerInfo, error) {
	var out struct {
		Issuers []api.IssuerInfo `json:"issuers"`
	}
	_, err := r.do(ctx, http.MethodGet, "/v1/issuers", "application/json", nil, &out)
	return out.Issuers, err
}

func (r *remoteBackend) AddIssuer(ctx context.Context, req api.AddIssuerRequest) (api.IssuerInfo, error) {
	var out api.IssuerInfo
	_, err := r.do(ctx, http.MethodPost, "/v1/issuers", "application/json", req, &out)
	return out, err
}

func (r *remoteBackend) RotateIssuerKey(ctx context.Context, issuerDID string, req api.RotateKeyRequest) (api.IssuerInfo, error) {
	var out api.IssuerInfo
	_, err := r.do(ctx, http.MethodPost, "/v1/issuers/"+url.PathEscape(issuerDID)+"/rotate-key", "application/json", req, &out)
	return out, err
}

func (r *remoteBackend) CreateOffer(ctx context.Context, req api.CreateOfferRequest) (api.OfferInfo, error) {
	var out api.OfferInfo
	_, err := r.do(ctx, http.MethodPost, "/v1/credential-offers", "application/json", req, &out)
	return out, err
}

func (r *remoteBackend) CreateAPIKey(ctx context.Context, req api.CreateAPIKeyRequest) (api.APIKeyInfo, error) {
	var out api.APIKeyInfo
	_, err := r.do(ctx, http.MethodPost, "/v1/admin/apikeys", "application/json", req, &out)
	return out, err
}

func (r *remoteBackend) VerifyCredential(ctx context.Context, vc json.RawMessage) (api.VerifyResult, error) {
	var out api.VerifyResult
	_, err := r.do(ctx, http.MethodPost, "/credentials/verify", "application/json", api.VerifyCredentialRequest{VerifiableCredential: vc}, &out)
	return out, err
}

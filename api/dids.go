package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/chainid/chainid/did"
)

// Errors a DIDs or Chains implementation wraps so that the API answers
// with the right problem (see the package documentation, "DID
// operations"). Anything else is an internal error.
var (
	// ErrNotOwner: the keystore holds no key of the identity's current
	// owner, or the registry refused the signer as not the owner (409).
	ErrNotOwner = errors.New("not the identity's owner")
	// ErrDeactivated: the DID is deactivated; it cannot change (410).
	ErrDeactivated = errors.New("DID deactivated")
	// ErrInvalidOperation: a well-formed request that cannot apply, such
	// as revoking a key the DID does not publish (400).
	ErrInvalidOperation = errors.New("invalid operation")
	// ErrInsufficientFunds: the account paying for the transaction cannot
	// pay its gas (402).
	ErrInsufficientFunds = errors.New("insufficient funds")
	// ErrReverted: the registry reverted the transaction (422).
	ErrReverted = errors.New("transaction reverted")
	// ErrChainUnavailable: the chain node failed, timed out or serves
	// another chain (503).
	ErrChainUnavailable = errors.New("chain unavailable")
)

// DIDs creates DIDs and changes did:ethr identities on their registry.
// Implementations must be safe for concurrent use. Requests reaching them
// have passed validation. Unknown DIDs, networks and keys are reported
// with errors wrapping did.ErrNotFound, malformed DIDs with
// did.ErrInvalidDID, and the other failures with the Err… values of this
// package.
type DIDs interface {
	// CreateDID generates a key in the keystore and derives its DID.
	// did:ethr creation is implicit: no transaction is sent.
	CreateDID(ctx context.Context, req CreateDIDRequest) (DIDInfo, error)
	// UpdateDID applies one operation to a did:ethr DID with a registry
	// transaction signed by the owner's key, and returns once it is mined.
	UpdateDID(ctx context.Context, id string, op DIDOperation) (OperationResult, error)
}

// Chains reports on the configured chains and deploys registries. The
// error contract is the one of DIDs.
type Chains interface {
	ChainStatus(ctx context.Context) (ChainStatus, error)
	DeployRegistry(ctx context.Context, req DeployRequest) (DeployResult, error)
}

// CreateDIDRequest is the body of POST /v1/dids.
type CreateDIDRequest struct {
	// Method is "ethr", "key" or "jwk".
	Method string `json:"method" validate:"required,oneof=ethr key jwk"`
	// KeyType is "Ed25519", "P-256" or "secp256k1"; empty means secp256k1
	// for did:ethr (its only type) and Ed25519 otherwise.
	KeyType string `json:"keyType,omitempty" validate:"omitempty,oneof=Ed25519 P-256 secp256k1"`
	// Label is an optional human-readable name of the key.
	Label string `json:"label,omitempty" validate:"max=100,nocontrol"`
	// Network is the did:ethr network, by name ("dev") or chain ID in hex
	// ("0x539"); empty means the server's default network. It also picks
	// the DID's form: did:ethr:NETWORK:0x….
	Network string `json:"network,omitempty" validate:"excluded_unless=Method ethr,max=64,printascii"`
}

// DIDInfo describes a created DID and its key.
type DIDInfo struct {
	DID     string `json:"did"`
	KeyID   string `json:"keyId"`
	Method  string `json:"method"`
	KeyType string `json:"keyType"`
	Label   string `json:"label,omitempty"`
	// ChainID and Address are set for did:ethr.
	ChainID uint64 `json:"chainId,omitempty"`
	Address string `json:"address,omitempty"`
}

// DIDOperation is the body of POST /v1/dids/{did}/operations. Op names the
// operation; each uses only its own fields.
type DIDOperation struct {
	// Op is add-key, revoke-key, add-service, set-owner or deactivate.
	Op string `json:"op" validate:"required,oneof=add-key revoke-key add-service set-owner deactivate"`
	// KeyType (add-key): the type of the new key, Ed25519, secp256k1 or
	// X25519.
	KeyType string `json:"keyType,omitempty" validate:"required_if=Op add-key,excluded_unless=Op add-key,omitempty,oneof=Ed25519 secp256k1 X25519"`
	// Purpose (add-key, revoke-key): veriKey, sigAuth or enc. add-key
	// defaults to enc for X25519 and veriKey otherwise; revoke-key
	// defaults to every purpose the key is published under.
	Purpose string `json:"purpose,omitempty" validate:"omitempty,oneof=veriKey sigAuth enc"`
	// Label (add-key): a label for the new key.
	Label string `json:"label,omitempty" validate:"excluded_unless=Op add-key,max=100,nocontrol"`
	// KeyID (revoke-key): the keystore ID of the key to revoke.
	KeyID string `json:"keyId,omitempty" validate:"required_if=Op revoke-key,excluded_unless=Op revoke-key,omitempty,max=64,alphanum"`
	// ServiceType (add-service): the service type, such as LinkedDomains.
	ServiceType string `json:"serviceType,omitempty" validate:"required_if=Op add-service,excluded_unless=Op add-service,omitempty,max=24,alphanum"`
	// Endpoint (add-service): the service endpoint URL.
	Endpoint string `json:"endpoint,omitempty" validate:"required_if=Op add-service,excluded_unless=Op add-service,omitempty,max=1024,url"`
	// Owner (set-owner): the new owner's Ethereum address.
	Owner string `json:"owner,omitempty" validate:"required_if=Op set-owner,excluded_unless=Op set-owner,omitempty,eth_addr"`
	// ValiditySeconds (add-key, add-service): how long the entry is
	// valid; 0 means one year.
	ValiditySeconds int64 `json:"validitySeconds,omitempty" validate:"min=0,max=3153600000"`
}

// OperationResult reports a mined registry transaction.
type OperationResult struct {
	DID    string `json:"did"`
	Op     string `json:"op"`
	TxHash string `json:"txHash"`
	Block  uint64 `json:"block"`
	// KeyID is the new key's keystore ID (add-key).
	KeyID string `json:"keyId,omitempty"`
}

// ChainStatus is the body of GET /v1/chain/status.
type ChainStatus struct {
	Networks []NetworkStatus `json:"networks"`
}

// NetworkStatus describes one configured chain. RPCURL is shown without
// credentials, path or query (they often carry API keys).
type NetworkStatus struct {
	Name     string `json:"name,omitempty"`
	ChainID  uint64 `json:"chainId"`
	RPCURL   string `json:"rpcUrl"`
	Embedded bool   `json:"embedded"`
	Default  bool   `json:"default"`
	// Head is the chain's head block; absent when the node did not answer.
	Head *uint64 `json:"head,omitempty"`
	// Registry is the registry address; RegistryDeployed says whether it
	// holds contract code.
	Registry         string `json:"registry"`
	RegistryDeployed bool   `json:"registryDeployed"`
	// IndexTip is the last block of the registry index; absent before the
	// first indexing.
	IndexTip *uint64 `json:"indexTip,omitempty"`
	// Relayer is the account that pays for owner-signed meta-transactions;
	// empty when owners send their own transactions.
	Relayer string `json:"relayer,omitempty"`
	// RelayerBalance is the relayer's balance in wei (decimal).
	RelayerBalance string `json:"relayerBalance,omitempty"`
	// Error says what failed while reading the status.
	Error string `json:"error,omitempty"`
}

// DeployRequest is the body of POST /v1/chain/deploy.
type DeployRequest struct {
	// RPCURL is the JSON-RPC URL of a node of the target chain.
	RPCURL string `json:"rpcUrl" validate:"required,max=2048,url"`
	// ChainID is the target chain's ID, checked against the node.
	ChainID uint64 `json:"chainId" validate:"required,min=1"`
	// KeyID is the keystore ID of the funded secp256k1 key that deploys.
	KeyID string `json:"keyId" validate:"required,max=64,alphanum"`
}

// DeployResult reports a deployed registry.
type DeployResult struct {
	ChainID  uint64 `json:"chainId"`
	Registry string `json:"registry"`
	TxHash   string `json:"txHash"`
	Block    uint64 `json:"block"`
}

// didsError classifies a DIDs or Chains failure. Client errors show the
// cause's text, which names the DID, key or account at fault; server
// errors get fixed details and are only logged.
func didsError(op string, err error) error {
	wrapped := fmt.Errorf("%s: %w", op, err)
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return wrapped
	case errors.Is(err, ErrChainUnavailable):
		return &apiError{kind: kindUnavailable, err: wrapped, detail: "the chain node is unavailable or serves another chain"}
	case errors.Is(err, did.ErrInvalidDID):
		return &apiError{kind: kindInvalidDID, err: wrapped, detail: err.Error()}
	case errors.Is(err, did.ErrNotFound):
		return &apiError{kind: kindNotFound, err: wrapped, detail: err.Error()}
	case errors.Is(err, ErrNotOwner):
		return &apiError{kind: kindNotOwner, err: wrapped, detail: err.Error()}
	case errors.Is(err, ErrDeactivated):
		return &apiError{kind: kindDeactivated, err: wrapped, detail: err.Error()}
	case errors.Is(err, ErrInvalidOperation):
		return &apiError{kind: kindInvalidRequest, err: wrapped, detail: err.Error()}
	case errors.Is(err, ErrInsufficientFunds):
		return &apiError{kind: kindInsufficientFunds, err: wrapped, detail: err.Error()}
	case errors.Is(err, ErrReverted):
		return &apiError{kind: kindReverted, err: wrapped, detail: err.Error()}
	}
	return &apiError{kind: kindInternal, detail: "an internal error occurred", err: wrapped}
}

func errNoDIDs() error {
	return &apiError{kind: kindNotImplemented, detail: "this server does not manage DIDs"}
}

func errNoChains() error {
	return &apiError{kind: kindNotImplemented, detail: "this server has no chain configured"}
}

// handleCreateDID creates a DID: decode, validate, DIDs.CreateDID, 201.
func (s *server) handleCreateDID() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.dids == nil {
			s.writeProblem(w, r, errNoDIDs())
			return
		}
		var req CreateDIDRequest
		if err := s.decodeJSON(r, &req); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		if req.Method == "ethr" && req.KeyType != "" && req.KeyType != "secp256k1" {
			s.writeProblem(w, r, &apiError{kind: kindValidation, detail: "the request body is invalid",
				fields: []fieldError{{Field: "keyType", Message: "must be secp256k1 for did:ethr"}}})
			return
		}
		info, err := s.dids.CreateDID(r.Context(), req)
		if err != nil {
			s.writeProblem(w, r, didsError("create DID", err))
			return
		}
		s.writeJSON(w, r, http.StatusCreated, "application/json", info)
	})
}

// handleDIDOperation applies one operation to a DID and answers once its
// transaction is mined.
func (s *server) handleDIDOperation() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.dids == nil {
			s.writeProblem(w, r, errNoDIDs())
			return
		}
		id := r.PathValue("did")
		if _, err := did.Parse(id); err != nil {
			s.writeProblem(w, r, &apiError{kind: kindInvalidDID, err: err, detail: err.Error()})
			return
		}
		var op DIDOperation
		if err := s.decodeJSON(r, &op); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		res, err := s.dids.UpdateDID(r.Context(), id, op)
		if err != nil {
			s.writeProblem(w, r, didsError(op.Op+" "+id, err))
			return
		}
		s.writeJSON(w, r, http.StatusOK, "application/json", res)
	})
}

// handleChainStatus reports the configured chains.
func (s *server) handleChainStatus() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.chains == nil {
			s.writeProblem(w, r, errNoChains())
			return
		}
		st, err := s.chains.ChainStatus(r.Context())
		if err != nil {
			s.writeProblem(w, r, didsError("chain status", err))
			return
		}
		if st.Networks == nil {
			st.Networks = []NetworkStatus{}
		}
		s.writeJSON(w, r, http.StatusOK, "application/json", st)
	})
}

// handleDeployRegistry deploys a registry to the chain named in the body.
func (s *server) handleDeployRegistry() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.chains == nil {
			s.writeProblem(w, r, errNoChains())
			return
		}
		var req DeployRequest
		if err := s.decodeJSON(r, &req); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		res, err := s.chains.DeployRegistry(r.Context(), req)
		if err != nil {
			s.writeProblem(w, r, didsError("deploy registry", err))
			return
		}
		s.writeJSON(w, r, http.StatusCreated, "application/json", res)
	})
}

// Package solc decodes the contract artifacts that the repository's pinned
// solc-js writes (did/ethr/registry/solc/compile.mjs), for the DID registry
// and for the Groth16 verifier contracts exported by zkp/onchain.
package solc

import (
	"encoding/json"
	"fmt"

	"github.com/ethereum/go-ethereum/common/hexutil"
)

// Artifact is one compiled contract: NAME.json as compile.mjs writes it.
type Artifact struct {
	ContractName string `json:"contractName"`
	SourceName   string `json:"sourceName"`
	Compiler     struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"compiler"`
	Settings struct {
		EVMVersion string `json:"evmVersion"`
		Optimizer  struct {
			Enabled bool `json:"enabled"`
			Runs    int  `json:"runs"`
		} `json:"optimizer"`
	} `json:"settings"`
	ABI              json.RawMessage `json:"abi"`
	Bytecode         hexutil.Bytes   `json:"bytecode"`
	DeployedBytecode hexutil.Bytes   `json:"deployedBytecode"`
}

// Parse decodes an artifact and checks that it is the compiled contract
// named contract, with creation and runtime code.
func Parse(b []byte, contract string) (*Artifact, error) {
	var a Artifact
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("parse %s artifact: %w", contract, err)
	}
	if a.ContractName != contract || len(a.Bytecode) == 0 || len(a.DeployedBytecode) == 0 {
		return nil, fmt.Errorf("parse %s artifact: not a compiled %s contract", contract, contract)
	}
	return &a, nil
}

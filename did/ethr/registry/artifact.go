package registry

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"

	"github.com/chainid/chainid/internal/solc"
)

// artifactJSON is the compiler output committed beside the contract source (see gen.go).
//
//go:embed EthereumDIDRegistry.json
var artifactJSON []byte

// Artifact is the committed compiler output for EthereumDIDRegistry.sol.
type Artifact = solc.Artifact

// LoadArtifact decodes the embedded artifact. Every call returns a fresh copy.
func LoadArtifact() (*Artifact, error) {
	a, err := solc.Parse(artifactJSON, "EthereumDIDRegistry")
	if err != nil {
		return nil, fmt.Errorf("decode embedded registry artifact: %w", err)
	}
	return a, nil
}

// mustArtifact decodes the embedded artifact; the artifact is generated and tested, so a failure
// is a build defect, not a runtime condition.
func mustArtifact() *Artifact {
	a, err := LoadArtifact()
	if err != nil {
		panic(err)
	}
	return a
}

// Bytecode returns the registry's creation code (what a deployment transaction carries).
func Bytecode() []byte { return mustArtifact().Bytecode }

// DeployedBytecode returns the registry's runtime code, as eth_getCode reports it after deployment.
// Compare it with the code at a configured address to check that the address holds this registry.
func DeployedBytecode() []byte { return mustArtifact().DeployedBytecode }

// ABI returns the registry's parsed ABI.
func ABI() abi.ABI {
	parsed, err := abi.JSON(strings.NewReader(string(mustArtifact().ABI)))
	if err != nil {
		panic(fmt.Sprintf("parse embedded registry ABI: %v", err))
	}
	return parsed
}

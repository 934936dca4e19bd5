package registry

// Regenerate the compiled artifact and the Go bindings after editing EthereumDIDRegistry.sol:
//
//	(cd solc && npm ci)
//	go install github.com/ethereum/go-ethereum/cmd/abigen@v1.17.10
//	go generate ./did/ethr/registry/
//
// TestGeneratedUpToDate fails when the committed files differ from what these commands produce.

//go:generate node solc/compile.mjs EthereumDIDRegistry.sol .
//go:generate abigen --v2 --abi EthereumDIDRegistry.abi --bin EthereumDIDRegistry.bin --pkg registry --type EthereumDIDRegistry --out registry.go

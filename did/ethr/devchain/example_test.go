package devchain_test

import (
	"context"
	"fmt"
	"log"
	"math/big"
	"os"

	"github.com/chainid/chainid/did/ethr/devchain"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

func ExampleStart() {
	dir, err := os.MkdirTemp("", "devchain-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	chain, err := devchain.Start(ctx, devchain.Config{
		DataDir:    dir,
		ListenAddr: "127.0.0.1:0", // any free port; see RPCURL
		// Contracts placed in genesis, e.g. the registry's runtime bytecode.
		Predeploy: map[common.Address][]byte{
			common.HexToAddress("0x00000000000000000000000000000000c0dec0de"): common.FromHex("602a60005260206000f3"),
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer chain.Close()

	// Wallets and other processes use chain.RPCURL(); in-process code uses
	// chain.Client(). A block is sealed as soon as the transfer arrives.
	alice := common.HexToAddress("0x00000000000000000000000000000000000a11ce")
	receipt, err := chain.Fund(ctx, alice, big.NewInt(1e18))
	if err != nil {
		log.Fatal(err)
	}
	bal, err := chain.Client().BalanceAt(ctx, alice, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("chain", chain.ChainID(), "block", receipt.BlockNumber, "balance", bal)
	// Output: chain 1337 block 1 balance 1000000000000000000
}

func ExampleWaitReceipt() {
	dir, err := os.MkdirTemp("", "devchain-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	chain, err := devchain.Start(ctx, devchain.Config{DataDir: dir, ListenAddr: "127.0.0.1:0"})
	if err != nil {
		log.Fatal(err)
	}
	defer chain.Close()
	client := chain.Client()

	// Sign a transfer with the development key and wait for its block.
	to := common.HexToAddress("0x0000000000000000000000000000000000000b0b")
	nonce, err := client.PendingNonceAt(ctx, chain.DevAddress())
	if err != nil {
		log.Fatal(err)
	}
	tx, err := types.SignNewTx(chain.DevKey(), types.LatestSignerForChainID(chain.ChainID()), &types.DynamicFeeTx{
		ChainID: chain.ChainID(), Nonce: nonce, Gas: 21000, To: &to, Value: big.NewInt(1),
		GasTipCap: big.NewInt(1e9), GasFeeCap: big.NewInt(1e10),
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := client.SendTransaction(ctx, tx); err != nil {
		log.Fatal(err)
	}
	receipt, err := devchain.WaitReceipt(ctx, client, tx.Hash())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("status", receipt.Status, "gas", receipt.GasUsed)
	// Output: status 1 gas 21000
}

// Package devchain runs an embedded, single-machine EVM development chain
// whose state survives restarts and crashes in a data directory.
//
// It is what `chainid serve` uses when no --chain-rpc is given: a go-ethereum
// node (v1.17) built from the pieces `geth --dev` uses — node, eth service,
// filter API and the simulated beacon — with no peer-to-peer networking, no
// IPC and standard Ethereum JSON-RPC (modules eth, net, web3) on a loopback
// HTTP address, so wallets, ethers and ethr-did-resolver can use it. In-process
// code talks to it through Chain.Client without HTTP.
//
// It is for development on one machine. It is not a network: it has no peers,
// no consensus and one block producer, and anyone who can reach its RPC
// endpoint can read everything on it. The development account's key is stored
// (as a seed) in the data dir and funds nothing outside this chain.
//
// # Blocks
//
// A block is sealed as soon as the transaction pool holds an executable
// transaction; several transactions that arrive together share a block, and no
// empty blocks are produced. Each block's timestamp is the wall clock, but at
// least one second after its parent's (the EVM requires increasing
// timestamps), so a burst of more than one block per second pushes the chain's
// clock ahead of the wall clock by up to one second per block; it falls back
// in step once the chain is idle. Code that compares block time with wall time
// (expiry such as did:ethr's validTo) should allow for that.
//
// Contracts can be placed in the genesis block at fixed addresses
// (Config.Predeploy); on every start, Start checks that their code is still
// there. Starting an existing data dir reuses its stored genesis, so state
// survives restarts; a different chain ID or missing/different predeployed code
// is an error, not a silent new chain.
//
// # Security considerations
//
//   - The RPC endpoint has no authentication. Start refuses non-loopback
//     listen addresses unless Config.InsecureListenAnyAddress is set. Requests
//     with a Host header other than localhost or an IP address are refused
//     (DNS rebinding), CORS allows only http://localhost and http://127.0.0.1
//     origins, and only the eth, net and web3 modules are served over HTTP
//     (no admin, debug, personal, miner or txpool).
//   - The node holds no accounts: eth_sendTransaction and eth_sign do not
//     work; clients sign locally and use eth_sendRawTransaction.
//   - The dev key seed file is created with mode 0600; Start refuses a seed
//     file that group or others can read.
//   - The data dir is locked while a chain runs: a second Start on it returns
//     ErrDataDirInUse at once.
//
// # Crash safety
//
// The state is stored with the hash scheme in archive mode (every block's
// state trie written to disk when the block is inserted; no in-memory layers
// flushed only at shutdown) in a LevelDB database, whose writes reach the
// operating system before they return. A process killed with SIGKILL right
// after a receipt was returned keeps that block on restart (tested). With
// geth's defaults (path scheme) a hard kill lost the whole chain (measured
// earlier); with the
// hash scheme on Pebble, which buffers its write-ahead log in the process, a
// kill right after the receipt lost the newest block. Power loss or an
// operating system crash can still lose the newest blocks (nothing is
// fsynced per block). Close flushes everything; callers should Close on
// SIGINT/SIGTERM.
//
// # Measured
//
// On a shared 2-core machine (load average about 10), go-ethereum v1.17.10:
//
//   - Start: about 0.2 s on a new data dir, 0.15–0.25 s on an existing one.
//     (The log index is disabled: loading it cost about 0.5 s per start;
//     eth_getLogs scans block blooms instead — 500 blocks in about 2 ms when
//     nothing matches, 110 ms for 500 matching logs.)
//   - A value transfer from SendTransaction to its receipt: about 4 ms
//     (BenchmarkTransferReceipt, in-process client).
//   - Disk: about 0.1 MB after 20 transactions, 2.4 MB after 500; the 32 MB
//     database cache bounds the write-ahead log (with geth's default 2 GB
//     cache it grew to about 1.2 GB on a small chain, measured earlier).
package devchain

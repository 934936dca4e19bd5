package pkh

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"

	"github.com/chainid/chainid/did"
)

// checkBIP122 checks a bip122 chain reference (32 lower-case hex digits,
// the start of the genesis block hash) and an address in base58check or
// bech32/bech32m form.
func checkBIP122(ref, addr string) error {
	if len(ref) != 32 {
		return fmt.Errorf("chain reference %q must be 32 lower-case hex digits", ref)
	}
	for i := 0; i < len(ref); i++ {
		if c := ref[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return fmt.Errorf("chain reference %q must be 32 lower-case hex digits", ref)
		}
	}
	errB58 := checkBase58Check(addr)
	if errB58 == nil {
		return nil
	}
	errBech := checkSegwit(addr)
	if errBech == nil {
		return nil
	}
	return fmt.Errorf("address %q is neither base58check (%w) nor bech32 (%w)", addr, errB58, errBech)
}

// checkBase58Check accepts a 25-byte base58check address: a version byte, a
// 20-byte hash and the first four bytes of SHA-256(SHA-256(version‖hash)).
func checkBase58Check(addr string) error {
	b, err := did.DecodeBase58(addr)
	if err != nil {
		return err
	}
	if len(b) != 25 {
		return fmt.Errorf("decodes to %d bytes, want 25", len(b))
	}
	first := sha256.Sum256(b[:21])
	second := sha256.Sum256(first[:])
	if !bytes.Equal(second[:4], b[21:]) {
		return errors.New("bad checksum")
	}
	return nil
}

const bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

// Checksum constants of BIP 173 (bech32) and BIP 350 (bech32m).
const (
	bech32Const  = 1
	bech32mConst = 0x2bc830a3
)

// checkSegwit accepts a segregated-witness address (BIP 173 / BIP 350):
// human-readable part, '1', data of witness version and program, and a
// six-character checksum, all in one case; version 0 uses bech32, later
// versions bech32m; program lengths as the BIPs require.
func checkSegwit(addr string) error {
	if len(addr) > 90 {
		return errors.New("longer than 90 characters")
	}
	if strings.ToLower(addr) != addr && strings.ToUpper(addr) != addr {
		return errors.New("mixed case")
	}
	s := strings.ToLower(addr)
	sep := strings.LastIndexByte(s, '1')
	if sep < 1 || len(s)-sep-1 < 7 {
		return errors.New("no human-readable part, separator or data")
	}
	hrp, dataPart := s[:sep], s[sep+1:]
	for i := 0; i < len(hrp); i++ {
		if hrp[i] < 33 || hrp[i] > 126 {
			return errors.New("bad human-readable part")
		}
	}
	data := make([]byte, len(dataPart))
	for i := 0; i < len(dataPart); i++ {
		d := strings.IndexByte(bech32Charset, dataPart[i])
		if d < 0 {
			return fmt.Errorf("character %q is not in the bech32 alphabet", dataPart[i])
		}
		data[i] = byte(d)
	}
	// Checksum over the expanded human-readable part and the data.
	values := make([]byte, 0, 2*len(hrp)+1+len(data))
	for i := 0; i < len(hrp); i++ {
		values = append(values, hrp[i]>>5)
	}
	values = append(values, 0)
	for i := 0; i < len(hrp); i++ {
		values = append(values, hrp[i]&31)
	}
	values = append(values, data...)
	c := polymod(values)
	version := data[0]
	switch {
	case version > 16:
		return fmt.Errorf("witness version %d", version)
	case version == 0 && c != bech32Const, version > 0 && c != bech32mConst:
		return errors.New("bad checksum")
	}
	program, err := regroup(data[1 : len(data)-6])
	if err != nil {
		return err
	}
	if len(program) < 2 || len(program) > 40 || version == 0 && len(program) != 20 && len(program) != 32 {
		return fmt.Errorf("witness program of %d bytes", len(program))
	}
	return nil
}

func polymod(values []byte) uint32 {
	gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	chk := uint32(1)
	for _, v := range values {
		top := chk >> 25
		chk = (chk&0x1ffffff)<<5 ^ uint32(v)
		for i := range gen {
			if (top>>i)&1 == 1 {
				chk ^= gen[i]
			}
		}
	}
	return chk
}

// regroup converts 5-bit groups to bytes, refusing non-zero or over-long
// padding.
func regroup(data []byte) ([]byte, error) {
	var acc uint32
	var bits uint
	out := make([]byte, 0, len(data)*5/8)
	for _, v := range data {
		acc = acc<<5 | uint32(v)
		bits += 5
		for bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>bits))
		}
	}
	if bits >= 5 || acc&(1<<bits-1) != 0 {
		return nil, errors.New("bad padding")
	}
	return out, nil
}

// checkSolana checks a solana chain reference (32 base58 characters, the
// start of the genesis hash) and an address that is the canonical base58
// form of a 32-byte Ed25519 public key.
func checkSolana(ref, addr string) error {
	if len(ref) != 32 {
		return fmt.Errorf("chain reference %q must be 32 base58 characters", ref)
	}
	if _, err := did.DecodeBase58(ref); err != nil {
		return fmt.Errorf("chain reference %q: %w", ref, err)
	}
	b, err := did.DecodeBase58(addr)
	if err != nil {
		return fmt.Errorf("address: %w", err)
	}
	if len(b) != 32 {
		return fmt.Errorf("address decodes to %d bytes, want 32", len(b))
	}
	if did.EncodeBase58(b) != addr {
		return errors.New("address is not in canonical base58 form")
	}
	return nil
}

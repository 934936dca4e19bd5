// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

// Test wallets for ERC-1271 sign-in checks (see ../erc1271_test.go).

// OwnerWallet accepts signatures made by its owner's key over the hash.
contract OwnerWallet {
    address public immutable owner;

    constructor(address owner_) {
        owner = owner_;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (signature.length != 65) {
            return 0xffffffff;
        }
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if (v < 27) {
            v += 27;
        }
        address signer = ecrecover(hash, v, r, s);
        if (signer != address(0) && signer == owner) {
            return 0x1626ba7e;
        }
        return 0xffffffff;
    }
}

// RevertingWallet reverts on every signature check.
contract RevertingWallet {
    function isValidSignature(bytes32, bytes calldata) external pure returns (bytes4) {
        revert("no signatures here");
    }
}

// GasBurnerWallet loops until it runs out of gas.
contract GasBurnerWallet {
    uint256 public counter;

    function isValidSignature(bytes32, bytes calldata) external view returns (bytes4) {
        uint256 x = counter;
        while (true) {
            x = uint256(keccak256(abi.encode(x)));
        }
        return bytes4(uint32(x));
    }
}

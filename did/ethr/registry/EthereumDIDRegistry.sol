// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title EthereumDIDRegistry
/// @notice A registry of identity owners, delegates and attributes as specified by ERC-1056
///         ("Lightweight Identity"). Every Ethereum address is an identity that owns itself until
///         its owner changes it. Changes are recorded in events; `changed[identity]` holds the
///         block number of the identity's latest change, and every event carries the block of the
///         change before it (`previousChange`), so a reader can walk an identity's history
///         backwards one block at a time.
/// @dev Written for chainid from the text of ERC-1056. The `...Signed` variants accept a
///      signature by the identity owner over
///      keccak256(0x19 || 0x00 || registry || nonce[owner] || identity || "<functionName>" || args),
///      all packed, exactly as the deployed registries and the ethr-did libraries compute it. The
///      digest does not bind a chain ID.
contract EthereumDIDRegistry {
    /// @notice Explicit owners; the zero address means "the identity owns itself".
    mapping(address => address) public owners;

    /// @notice Expiry timestamps: delegates[identity][keccak256(delegateType)][delegate].
    mapping(address => mapping(bytes32 => mapping(address => uint256))) public delegates;

    /// @notice Block number of the latest change per identity (0 = never changed).
    mapping(address => uint256) public changed;

    /// @notice Per-signer counter for the signed variants; it grows by one with every accepted signature.
    mapping(address => uint256) public nonce;

    event DIDOwnerChanged(address indexed identity, address owner, uint256 previousChange);

    event DIDDelegateChanged(
        address indexed identity, bytes32 delegateType, address delegate, uint256 validTo, uint256 previousChange
    );

    event DIDAttributeChanged(
        address indexed identity, bytes32 name, bytes value, uint256 validTo, uint256 previousChange
    );

    modifier onlyOwner(address identity, address actor) {
        require(actor == identityOwner(identity), "bad_actor");
        _;
    }

    /// @notice The current owner of identity: the explicit owner if one was set, else identity itself.
    function identityOwner(address identity) public view returns (address) {
        address explicitOwner = owners[identity];
        if (explicitOwner == address(0)) {
            return identity;
        }
        return explicitOwner;
    }

    /// @notice Whether delegate is a delegate of identity for delegateType that has not yet expired.
    function validDelegate(address identity, bytes32 delegateType, address delegate) public view returns (bool) {
        return delegates[identity][keccak256(abi.encodePacked(delegateType))][delegate] > block.timestamp;
    }

    // ---- owner ----------------------------------------------------------------------------------

    function changeOwner(address identity, address newOwner) public {
        _changeOwner(identity, msg.sender, newOwner);
    }

    function changeOwnerSigned(address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, address newOwner) public {
        bytes32 digest = keccak256(
            abi.encodePacked(
                bytes1(0x19), bytes1(0x00), address(this), nonce[identityOwner(identity)], identity, "changeOwner", newOwner
            )
        );
        _changeOwner(identity, _recoverOwner(identity, sigV, sigR, sigS, digest), newOwner);
    }

    // ---- delegates ------------------------------------------------------------------------------

    function addDelegate(address identity, bytes32 delegateType, address delegate, uint256 validity) public {
        _addDelegate(identity, msg.sender, delegateType, delegate, validity);
    }

    function addDelegateSigned(
        address identity,
        uint8 sigV,
        bytes32 sigR,
        bytes32 sigS,
        bytes32 delegateType,
        address delegate,
        uint256 validity
    ) public {
        bytes32 digest = keccak256(
            abi.encodePacked(
                bytes1(0x19),
                bytes1(0x00),
                address(this),
                nonce[identityOwner(identity)],
                identity,
                "addDelegate",
                delegateType,
                delegate,
                validity
            )
        );
        _addDelegate(identity, _recoverOwner(identity, sigV, sigR, sigS, digest), delegateType, delegate, validity);
    }

    function revokeDelegate(address identity, bytes32 delegateType, address delegate) public {
        _revokeDelegate(identity, msg.sender, delegateType, delegate);
    }

    function revokeDelegateSigned(
        address identity,
        uint8 sigV,
        bytes32 sigR,
        bytes32 sigS,
        bytes32 delegateType,
        address delegate
    ) public {
        bytes32 digest = keccak256(
            abi.encodePacked(
                bytes1(0x19),
                bytes1(0x00),
                address(this),
                nonce[identityOwner(identity)],
                identity,
                "revokeDelegate",
                delegateType,
                delegate
            )
        );
        _revokeDelegate(identity, _recoverOwner(identity, sigV, sigR, sigS, digest), delegateType, delegate);
    }

    // ---- attributes -----------------------------------------------------------------------------

    function setAttribute(address identity, bytes32 name, bytes memory value, uint256 validity) public {
        _setAttribute(identity, msg.sender, name, value, validity);
    }

    function setAttributeSigned(
        address identity,
        uint8 sigV,
        bytes32 sigR,
        bytes32 sigS,
        bytes32 name,
        bytes memory value,
        uint256 validity
    ) public {
        bytes32 digest = keccak256(
            abi.encodePacked(
                bytes1(0x19),
                bytes1(0x00),
                address(this),
                nonce[identityOwner(identity)],
                identity,
                "setAttribute",
                name,
                value,
                validity
            )
        );
        _setAttribute(identity, _recoverOwner(identity, sigV, sigR, sigS, digest), name, value, validity);
    }

    function revokeAttribute(address identity, bytes32 name, bytes memory value) public {
        _revokeAttribute(identity, msg.sender, name, value);
    }

    function revokeAttributeSigned(
        address identity,
        uint8 sigV,
        bytes32 sigR,
        bytes32 sigS,
        bytes32 name,
        bytes memory value
    ) public {
        bytes32 digest = keccak256(
            abi.encodePacked(
                bytes1(0x19),
                bytes1(0x00),
                address(this),
                nonce[identityOwner(identity)],
                identity,
                "revokeAttribute",
                name,
                value
            )
        );
        _revokeAttribute(identity, _recoverOwner(identity, sigV, sigR, sigS, digest), name, value);
    }

    // ---- internals ------------------------------------------------------------------------------

    /// @dev Returns the signer of digest if it is the identity's current owner and consumes one nonce
    ///      of that owner. ecrecover yields the zero address for an invalid signature; it is refused
    ///      explicitly so that identity 0x0 (which "owns itself") cannot be written with garbage.
    function _recoverOwner(address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, bytes32 digest)
        internal
        returns (address)
    {
        address signer = ecrecover(digest, sigV, sigR, sigS);
        require(signer != address(0) && signer == identityOwner(identity), "bad_signature");
        nonce[signer] += 1;
        return signer;
    }

    function _changeOwner(address identity, address actor, address newOwner) internal onlyOwner(identity, actor) {
        owners[identity] = newOwner;
        emit DIDOwnerChanged(identity, newOwner, changed[identity]);
        changed[identity] = block.number;
    }

    function _addDelegate(address identity, address actor, bytes32 delegateType, address delegate, uint256 validity)
        internal
        onlyOwner(identity, actor)
    {
        uint256 validTo = block.timestamp + validity;
        delegates[identity][keccak256(abi.encodePacked(delegateType))][delegate] = validTo;
        emit DIDDelegateChanged(identity, delegateType, delegate, validTo, changed[identity]);
        changed[identity] = block.number;
    }

    function _revokeDelegate(address identity, address actor, bytes32 delegateType, address delegate)
        internal
        onlyOwner(identity, actor)
    {
        delegates[identity][keccak256(abi.encodePacked(delegateType))][delegate] = block.timestamp;
        emit DIDDelegateChanged(identity, delegateType, delegate, block.timestamp, changed[identity]);
        changed[identity] = block.number;
    }

    function _setAttribute(address identity, address actor, bytes32 name, bytes memory value, uint256 validity)
        internal
        onlyOwner(identity, actor)
    {
        emit DIDAttributeChanged(identity, name, value, block.timestamp + validity, changed[identity]);
        changed[identity] = block.number;
    }

    function _revokeAttribute(address identity, address actor, bytes32 name, bytes memory value)
        internal
        onlyOwner(identity, actor)
    {
        emit DIDAttributeChanged(identity, name, value, 0, changed[identity]);
        changed[identity] = block.number;
    }
}

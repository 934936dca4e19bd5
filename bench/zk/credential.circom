pragma circom 2.1.0;

// The statement of chainid's zkp.Circuit (zkp/circuit.go) written with circomlib gadgets, for the
// gnark/snarkjs comparison in run-zk.sh. Same sizes and the same 70 public inputs (grouped by field
// here, by predicate slot in gnark):
// issuer key x, y; schema id; disclosure mask; revealed[16]; 4 predicate slots (active, attribute,
// operator, 8 operands); now; status root; nullifier; scope; nonce; audience.
//
// Differences from the gnark circuit (both are sound versions of the same statement):
//   - hash: circomlib Poseidon (x^5, width = inputs + 1, up to 16 inputs per call) instead of
//     Poseidon2 width 2 in Merkle–Damgård mode; the 22-element credential message is hashed as
//     Poseidon(16) then Poseidon(8) chained; the status tree uses Poseidon(2) per level.
//   - signature: circomlib's EdDSAPoseidonVerifier on BabyJubJub (the twisted Edwards curve over
//     BN254's scalar field, like gnark's), which checks S ≤ ℓ−1 and [8]A ≠ identity like ours, but
//     not that A and R are on the curve (gnark's circuit does).
//   - domain-separation tags are small constants instead of hashed strings.

include "circuits/lib.circom";

template Credential(nAttrs, nPred, nSet, depth) {
    // Public inputs.
    signal input issuerX;
    signal input issuerY;
    signal input schemaId;
    signal input mask;
    signal input revealed[nAttrs];
    signal input predActive[nPred];
    signal input predAttr[nPred];
    signal input predOp[nPred];
    signal input predOperands[nPred][nSet];
    signal input now;
    signal input statusRoot;
    signal input nullifier;
    signal input scope;
    signal input nonce;
    signal input audience;

    // Private inputs.
    signal input attrs[nAttrs];
    signal input holderSecret;
    signal input statusIndex;
    signal input statusPath[depth];
    signal input issuedAt;
    signal input expiresAt;
    signal input sigR8x;
    signal input sigR8y;
    signal input sigS;

    // Holder commitment and credential message.
    component msg = MessageHash();
    msg.schemaId <== schemaId;
    msg.attrs <== attrs;
    msg.holderSecret <== holderSecret;
    msg.statusIndex <== statusIndex;
    msg.issuedAt <== issuedAt;
    msg.expiresAt <== expiresAt;

    component sig = EdDSAPoseidonVerifier();
    sig.enabled <== 1;
    sig.Ax <== issuerX;
    sig.Ay <== issuerY;
    sig.S <== sigS;
    sig.R8x <== sigR8x;
    sig.R8y <== sigR8y;
    sig.M <== msg.out;

    // Disclosure.
    component maskBits = Num2Bits(nAttrs);
    maskBits.in <== mask;
    for (var i = 0; i < nAttrs; i++) { revealed[i] === maskBits.out[i] * attrs[i]; }

    // Predicates.
    component pred[nPred];
    for (var p = 0; p < nPred; p++) {
        pred[p] = Predicate(nAttrs, nSet);
        for (var i = 0; i < nAttrs; i++) { pred[p].attrs[i] <== attrs[i]; }
        pred[p].active <== predActive[p];
        pred[p].attr <== predAttr[p];
        pred[p].op <== predOp[p];
        for (var s = 0; s < nSet; s++) { pred[p].operands[s] <== predOperands[p][s]; }
    }

    // Validity period: issuedAt ≤ now < expiresAt.
    component validity = Validity();
    validity.issuedAt <== issuedAt;
    validity.expiresAt <== expiresAt;
    validity.now <== now;

    // Status bit 0 at statusIndex under statusRoot.
    component status = StatusPath(depth);
    status.index <== statusIndex;
    status.path <== statusPath;
    statusRoot === status.root;

    // Nullifier.
    component nul = Poseidon(3);
    nul.inputs[0] <== 3;
    nul.inputs[1] <== holderSecret;
    nul.inputs[2] <== scope;
    nullifier === nul.out;

    // Nonce and audience bound by a constraint each.
    signal nonceSq <== nonce * nonce;
    signal audienceSq <== audience * audience;
}

component main {public [issuerX, issuerY, schemaId, mask, revealed, predActive, predAttr, predOp,
    predOperands, now, statusRoot, nullifier, scope, nonce, audience]} = Credential(16, 4, 8, 17);

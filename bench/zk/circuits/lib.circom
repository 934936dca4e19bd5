pragma circom 2.1.0;

// Templates of the credential statement (see credential.circom); the gadgets/ circuits compile each
// on its own to count its constraints.

include "../node_modules/circomlib/circuits/poseidon.circom";
include "../node_modules/circomlib/circuits/eddsaposeidon.circom";
include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";

// Less: out = 1 iff a < b, for a and b already range-checked to 64 bits.
template Less64() {
    signal input a;
    signal input b;
    signal output out;
    component bits = Num2Bits(65);
    bits.in <== a - b + (1 << 64);
    out <== 1 - bits.out[64];
}

// Predicate: one slot, as zkp.Circuit.checkPredicate.
template Predicate(nAttrs, nSet) {
    signal input attrs[nAttrs];
    signal input active;
    signal input attr;
    signal input op;
    signal input operands[nSet];

    (1 - active) * op === 0;

    // Attribute selection: 4-bit index and a binary multiplexer tree.
    component sel = Num2Bits(4);
    sel.in <== attr;
    signal layer[5][16];
    for (var j = 0; j < 16; j++) { layer[0][j] <== attrs[j]; }
    var width = 16;
    for (var k = 0; k < 4; k++) {
        width = width \ 2;
        for (var j = 0; j < width; j++) {
            layer[k + 1][j] <== sel.out[k] * (layer[k][2 * j + 1] - layer[k][2 * j]) + layer[k][2 * j];
        }
        for (var j = width; j < 16; j++) { layer[k + 1][j] <== 0; }
    }
    signal v <== layer[4][0];

    // One-hot operator: is[1..9].
    component is[10];
    for (var o = 1; o < 10; o++) {
        is[o] = IsEqual();
        is[o].in[0] <== op;
        is[o].in[1] <== o;
    }
    signal isCmp <== is[3].out + is[4].out + is[5].out + is[6].out + is[7].out;
    signal cv <== isCmp * v;
    signal c0 <== isCmp * operands[0];
    signal c1 <== is[7].out * operands[1];
    component r0 = Num2Bits(64); r0.in <== cv;
    component r1 = Num2Bits(64); r1.in <== c0;
    component r2 = Num2Bits(64); r2.in <== c1;
    component lt0 = Less64(); lt0.a <== cv; lt0.b <== c0;
    component eq0 = IsZero(); eq0.in <== v - operands[0];
    component le1 = Less64(); le1.a <== cv; le1.b <== c1 + 1;

    signal prod[nSet + 1];
    prod[0] <== 1;
    for (var s = 0; s < nSet; s++) { prod[s + 1] <== prod[s] * (v - operands[s]); }
    component inSet = IsZero(); inSet.in <== prod[nSet];

    signal between <== (1 - lt0.out) * le1.out;
    signal res[10];
    res[1] <== eq0.out;
    res[2] <== 1 - eq0.out;
    res[3] <== lt0.out;
    res[4] <== lt0.out + eq0.out;
    res[5] <== 1 - lt0.out - eq0.out;
    res[6] <== 1 - lt0.out;
    res[7] <== between;
    res[8] <== inSet.out;
    res[9] <== 1 - inSet.out;
    signal acc[10];
    acc[0] <== 0;
    for (var o = 1; o < 10; o++) { acc[o] <== acc[o - 1] + is[o].out * res[o]; }
    acc[9] === active;
}

// MessageHash: the credential message the issuer signs, with the holder commitment
// Poseidon(1, secret): Poseidon(16) over the tag, schema and first 14 attributes, then Poseidon(8).
template MessageHash() {
    signal input schemaId;
    signal input attrs[16];
    signal input holderSecret;
    signal input statusIndex;
    signal input issuedAt;
    signal input expiresAt;
    signal output out;
    component commitment = Poseidon(2);
    commitment.inputs[0] <== 1;
    commitment.inputs[1] <== holderSecret;
    component m1 = Poseidon(16);
    m1.inputs[0] <== 2;
    m1.inputs[1] <== schemaId;
    for (var i = 0; i < 14; i++) { m1.inputs[i + 2] <== attrs[i]; }
    component m2 = Poseidon(8);
    m2.inputs[0] <== m1.out;
    m2.inputs[1] <== attrs[14];
    m2.inputs[2] <== attrs[15];
    m2.inputs[3] <== commitment.out;
    m2.inputs[4] <== statusIndex;
    m2.inputs[5] <== issuedAt;
    m2.inputs[6] <== expiresAt;
    m2.inputs[7] <== 0;
    out <== m2.out;
}

// Validity: issuedAt ≤ now < expiresAt on 64-bit range-checked values.
template Validity() {
    signal input issuedAt;
    signal input expiresAt;
    signal input now;
    component v0 = Num2Bits(64); v0.in <== issuedAt;
    component v1 = Num2Bits(64); v1.in <== expiresAt;
    component v2 = Num2Bits(64); v2.in <== now - issuedAt;
    component v3 = Num2Bits(64); v3.in <== expiresAt - 1 - now;
}

// StatusPath: the root of a Poseidon(2) Merkle tree whose leaf at index is 0.
template StatusPath(depth) {
    signal input index;
    signal input path[depth];
    signal output root;
    component dir = Num2Bits(depth);
    dir.in <== index;
    component node[depth];
    signal left[depth];
    signal right[depth];
    signal cur[depth + 1];
    cur[0] <== 0;
    for (var k = 0; k < depth; k++) {
        left[k] <== dir.out[k] * (path[k] - cur[k]) + cur[k];
        right[k] <== path[k] + cur[k] - left[k];
        node[k] = Poseidon(2);
        node[k].inputs[0] <== left[k];
        node[k].inputs[1] <== right[k];
        cur[k + 1] <== node[k].out;
    }
    root <== cur[depth];
}


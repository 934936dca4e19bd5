pragma circom 2.1.0;
include "../circuits/lib.circom";
component main = StatusPath(17);

// Package strictjson checks, before encoding/json decodes a document, that
// it is valid JSON, nests no deeper than a limit and names no object member
// twice at any depth.
//
// # Security considerations
//
// encoding/json keeps the last of two members with the same name while
// other parsers keep the first, which lets one document mean two things to
// two verifiers. [Check] compares member names as decoded strings, so
// "\u0061" and "a" collide. encoding/json also matches member names to
// struct fields case-insensitively, so for documents decoded into structs
// [CheckFold] treats "id" and "ID" (or "s" and "ſ") as one name too. Their
// cost is linear in the input and their memory is bounded by the nesting
// limit and the number of member names.
package strictjson

// Package presexch parses and evaluates DIF Presentation Exchange 2.0
// presentation definitions: it validates a definition strictly, matches it
// against a wallet's credentials, and checks a presentation_submission
// against a definition.
//
// # Definitions
//
// Parse accepts id, name, purpose, format, input_descriptors and
// submission_requirements. An input descriptor has id, name, purpose, group,
// format and constraints; constraints have fields and limit_disclosure
// ("required" or "preferred"); a field has id, name, purpose, path, filter,
// optional and intent_to_retain. A submission requirement has name, purpose,
// rule ("all" or "pick"), count, min, max and exactly one of from (a group)
// and from_nested. Unknown members are refused with ErrInvalid; the optional
// features this package does not evaluate (frame, predicate, statuses,
// subject_is_issuer, is_holder, same_subject) are refused with ErrUnsupported
// rather than ignored, so that a verifier never believes a constraint was
// applied when it was not.
//
// Field paths are a JSONPath subset: "$" followed by ".name", "['name']"
// ("[\"name\"]") and "[N]" steps. Wildcards, recursive descent, slices,
// unions and filter expressions are refused with ErrUnsupported. Filters are
// JSON Schema (draft 2020-12 semantics) restricted to the keywords that
// constrain a value (type, const, enum, pattern, lengths, numeric bounds,
// format, items, contains, properties, required, not, allOf, anyOf, oneOf,
// ...); $ref, $id and other keywords that load or name schemas are refused.
// On a filter with format "date" or "date-time", formatMinimum,
// formatMaximum, formatExclusiveMinimum and formatExclusiveMaximum (used by
// the PE specification's examples) compare dates.
//
// # Credentials
//
// Paths select from a credential's JSON as the verifier pipeline reports it
// (verifier.Credential.Claims): the credential document for ldp_vc and JWT
// credentials (the "vc" claim of a VC 1.1 JWT), the processed, disclosed
// claims for SD-JWT VCs. Path alternatives such as "$.vc.type" simply select
// nothing there.
//
// # Security considerations
//
//   - Evaluate does not verify signatures: it evaluates a submission over
//     credential JSON a Resolver hands it. Check verifies the presentation
//     through the verifier pipeline first and resolves a descriptor only to a
//     credential the pipeline verified, so a holder cannot point a descriptor
//     at unsigned JSON inside its own presentation.
//   - Definitions are bounded (MaxDefinitionBytes, descriptor, field, path and
//     nesting limits) and filters cannot load remote schemas.
package presexch

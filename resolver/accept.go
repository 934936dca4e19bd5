package resolver

import (
	"mime"
	"strconv"
	"strings"
)

// resolutionProfile is the profile parameter of the DID resolution result
// media type (MediaResolutionResult).
const resolutionProfile = "https://w3id.org/did-resolution"

// negotiate picks the document representation for accept, which is a single
// media type or an HTTP Accept header value (a comma-separated list with
// optional q weights). It returns the content type to report and whether
// any listed type is supported:
//
//   - empty, */*, application/*, application/json, application/did+json:
//     application/did+json;
//   - application/did+ld+json, and the resolution result type
//     application/ld+json;profile="https://w3id.org/did-resolution":
//     application/did+ld+json.
//
// The document itself is the same in both: this package does not rewrite
// @context.
func negotiate(accept string) (string, bool) {
	if strings.TrimSpace(accept) == "" {
		return MediaDIDJSON, true
	}
	best, bestQ := "", 0.0
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(s, 64); err != nil || q < 0 || q > 1 {
				continue
			}
		}
		ct := representation(mt, params)
		if ct == "" || q <= bestQ {
			continue
		}
		best, bestQ = ct, q
	}
	return best, best != ""
}

func representation(mt string, params map[string]string) string {
	switch mt {
	case "", "*/*", "application/*", "application/json", MediaDIDJSON:
		return MediaDIDJSON
	case MediaDIDLDJSON:
		return MediaDIDLDJSON
	case "application/ld+json":
		for p := range strings.FieldsSeq(params["profile"]) {
			if p == resolutionProfile {
				return MediaDIDLDJSON
			}
		}
	}
	return ""
}

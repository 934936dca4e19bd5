package schema

import "github.com/chainid/chainid/internal/strictjson"

// maxDepth bounds the nesting of schemas and subjects.
const maxDepth = 64

// checkDuplicates refuses invalid JSON, nesting deeper than maxDepth, and
// objects that name a member twice (compared as decoded strings).
func checkDuplicates(data []byte) error {
	return strictjson.Check(data, maxDepth)
}

package dataintegrity_test

import (
	"encoding/json"
	"fmt"
)

// poisonGraph builds a credential whose subject links n blank nodes into a
// clique: every node has the same first-degree hash, the worst case of
// RDFC-1.0's N-degree hashing.
func poisonGraph(issuer string, n int) []byte {
	nodes := make([]any, n)
	for i := range n {
		var links []any
		for j := range n {
			if j != i {
				links = append(links, map[string]any{"id": fmt.Sprintf("_:n%d", j)})
			}
		}
		nodes[i] = map[string]any{"id": fmt.Sprintf("_:n%d", i), "link": links}
	}
	c := map[string]any{
		"@context":          []any{"https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"},
		"type":              []any{"VerifiableCredential"},
		"issuer":            issuer,
		"credentialSubject": map[string]any{"id": "did:example:subject", "member": nodes},
	}
	b, _ := json.Marshal(c)
	return b
}

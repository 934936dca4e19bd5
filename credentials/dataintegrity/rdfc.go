package dataintegrity

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/piprate/json-gold/ld"

	"github.com/chainid/chainid/credentials/ldcontext"
)

// canonicalizer turns a compacted JSON-LD document into canonical N-Quads
// (RDF Dataset Canonicalization, RDFC-1.0 / URDNA2015). It is the only place
// that touches the JSON-LD library.
type canonicalizer interface {
	canonicalize(ctx context.Context, doc map[string]any) ([]byte, error)
}

// jsonGold is the canonicalizer over github.com/piprate/json-gold.
type jsonGold struct {
	contexts     *ldcontext.Set
	maxBlank     int // blank nodes in the dataset
	maxAmbiguous int // blank nodes whose first-degree hash is shared
	loader       ld.DocumentLoader
}

func newJSONGold(set *ldcontext.Set, maxBlank, maxAmbiguous int) *jsonGold {
	return &jsonGold{contexts: set, maxBlank: maxBlank, maxAmbiguous: maxAmbiguous, loader: newSetLoader(set)}
}

// setLoader serves the Set's contexts and refuses every other URL. Each
// context is decoded once; every load hands json-gold a fresh copy, so
// nothing the processor does to a document can leak into the next use.
type setLoader struct {
	set    *ldcontext.Set
	parsed map[string]any
}

func newSetLoader(set *ldcontext.Set) setLoader {
	l := setLoader{set: set, parsed: map[string]any{}}
	for _, u := range set.URLs() {
		raw, err := set.Document(u)
		if err != nil {
			continue
		}
		var doc any
		if json.Unmarshal(raw, &doc) == nil {
			l.parsed[u] = doc
		}
	}
	return l
}

func (l setLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	doc, ok := l.parsed[u]
	if !ok {
		_, err := l.set.Document(u)
		if err == nil {
			err = fmt.Errorf("context %s is not valid JSON", truncate(u))
		}
		return nil, err
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: deepCopy(doc)}, nil
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(t))
		for i, e := range t {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

func (g *jsonGold) options() *ld.JsonLdOptions {
	opts := ld.NewJsonLdOptions("")
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.DocumentLoader = g.loader
	opts.SafeMode = true
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.Format = "application/n-quads"
	return opts
}

func (g *jsonGold) canonicalize(ctx context.Context, doc map[string]any) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkContexts(doc, g.contexts); err != nil {
		return nil, err
	}
	if err := checkNumbers(doc); err != nil {
		return nil, err
	}
	if p := emptyKeyPath(doc, ""); p != "" {
		return nil, fmt.Errorf("%w: empty member name at %s (json-gold would drop its value from the signed data)", ErrUndefinedTerm, truncate(p))
	}
	opts := g.options()
	doc, err := g.embedGraphs(doc, opts)
	if err != nil {
		return nil, err
	}
	expanded, err := ld.NewJsonLdProcessor().Expand(doc, opts)
	if err != nil {
		var ldErr *ld.JsonLdError
		if errors.As(err, &ldErr) && ldErr.Code == ld.InvalidProperty {
			return nil, fmt.Errorf("%w: a property does not expand to an absolute IRI (safe mode)", ErrUndefinedTerm)
		}
		return nil, fmt.Errorf("%w: expand: %w", ErrJSONLD, unwrapLD(err))
	}
	if err := checkExpanded(expanded); err != nil {
		return nil, err
	}
	api := ld.NewJsonLdApi()
	dataset, err := api.ToRDF(expanded, opts)
	if err != nil {
		return nil, fmt.Errorf("%w: to RDF: %w", ErrJSONLD, unwrapLD(err))
	}
	if err := g.boundWork(dataset); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The bound above keeps the work small; the goroutine and the context
	// are a second line: a caller's deadline is honoured even so.
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("%w: canonicalize: panic: %v", ErrJSONLD, r)}
			}
		}()
		out, err := api.Normalize(dataset, opts)
		if err != nil {
			done <- result{err: fmt.Errorf("%w: canonicalize: %w", ErrJSONLD, unwrapLD(err))}
			return
		}
		s, _ := out.(string)
		done <- result{out: s}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, r.err
		}
		return []byte(r.out), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("canonicalize: %w", ctx.Err())
	}
}

// unwrapLD keeps a json-gold error readable: its Error() prints the code
// and details.
func unwrapLD(err error) error {
	var ldErr *ld.JsonLdError
	if errors.As(err, &ldErr) {
		if d, ok := ldErr.Details.(error); ok {
			return fmt.Errorf("%s: %w", ldErr.Code, d)
		}
		return fmt.Errorf("%s: %v", ldErr.Code, ldErr.Details)
	}
	return err
}

// checkContexts enforces context validation: every @context (the top-level
// one, and those of embedded documents such as the credentials inside a
// presentation) is a URL or a list of URLs, all in the Set. Inline context
// definitions are refused: they can redefine or un-protect terms, or swap
// @vocab.
func checkContexts(doc map[string]any, set *ldcontext.Set) error {
	c, ok := doc["@context"]
	if !ok {
		return fmt.Errorf("%w: no @context", ErrContext)
	}
	if err := checkContextValue(c, set, "@context"); err != nil {
		return err
	}
	for k, v := range doc {
		if k == "@context" {
			continue
		}
		if err := nestedContexts(v, k, set); err != nil {
			return err
		}
	}
	return nil
}

func checkContextValue(c any, set *ldcontext.Set, path string) error {
	var urls []any
	switch t := c.(type) {
	case string:
		urls = []any{t}
	case []any:
		urls = t
	default:
		return fmt.Errorf("%w: %s must be a URL or a list of URLs, not an inline definition", ErrContext, truncate(path))
	}
	if len(urls) == 0 {
		return fmt.Errorf("%w: empty %s", ErrContext, truncate(path))
	}
	for _, u := range urls {
		s, ok := u.(string)
		if !ok {
			return fmt.Errorf("%w: inline context definition in %s is refused; register the context instead", ErrContext, truncate(path))
		}
		if !set.Has(s) {
			return fmt.Errorf("%w: %q is not in the built-in set (contexts are never fetched)", ErrContext, truncate(s))
		}
	}
	return nil
}

func nestedContexts(v any, path string, set *ldcontext.Set) error {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if k == "@context" {
				if err := checkContextValue(e, set, path+".@context"); err != nil {
					return err
				}
				continue
			}
			if err := nestedContexts(e, path+"."+k, set); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range t {
			if err := nestedContexts(e, path, set); err != nil {
				return err
			}
		}
	}
	return nil
}

// embedGraphs prepares the one kind of embedded document that may carry
// its own @context: the members of a top-level property whose term has a
// @graph container, such as the verifiableCredential of a presentation
// (each credential is its own named graph in the presentation's dataset).
// Every other @context below the top level, including one nested inside
// an embedded document, is refused.
//
// json-gold v0.9.1 takes the container mapping from the term's scoped
// context instead of the active context (JSON-LD 1.1 expansion, step
// 13.4: "key's container mapping in active context"). The credentials v2
// context scopes verifiableCredential with "@context": null, so json-gold
// loses its @graph container and merges the credentials into the
// presentation's graph, where jsonld.js puts each into a graph of its own.
// For such terms the graph objects are written out here ({"@graph": member}),
// which is what the @graph container means; terms without a scoped context
// (the credentials v1 context) expand correctly as they are. The tests
// compare the canonical N-Quads with jsonld.js for both.
func (g *jsonGold) embedGraphs(doc map[string]any, opts *ld.JsonLdOptions) (map[string]any, error) {
	var embedding []string
	for k, v := range doc {
		if k == "@context" || nestedContextPath(v, k) == "" {
			continue
		}
		for _, m := range asList(v) {
			e, ok := m.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%w: %s mixes embedded documents with other values", ErrJSONLD, truncate(k))
			}
			for ek, ev := range e {
				if ek == "@context" {
					continue
				}
				if p := nestedContextPath(ev, k+"."+ek); p != "" {
					return nil, fmt.Errorf("%w: the embedded document at %s has an @context below its top level; only the top level of an embedded credential may carry one", ErrJSONLD, truncate(p))
				}
			}
		}
		embedding = append(embedding, k)
	}
	if len(embedding) == 0 {
		return doc, nil
	}
	active, err := topLevelContext(doc, opts)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		out[k] = v
	}
	for _, k := range embedding {
		td := active.GetTermDefinition(k)
		if td == nil || !slices.Contains(td.Container, "@graph") || slices.Contains(td.Container, "@id") || slices.Contains(td.Container, "@index") {
			return nil, fmt.Errorf("%w: %s embeds documents with their own @context but is not a @graph-container term such as verifiableCredential", ErrJSONLD, truncate(k))
		}
		if !td.HasContext {
			continue
		}
		members := asList(doc[k])
		graphs := make([]any, len(members))
		for i, m := range members {
			graphs[i] = map[string]any{"@graph": m}
		}
		out[k] = graphs
	}
	return out, nil
}

// topLevelContext is the active context for the top-level properties of
// doc: its @context, then the type-scoped contexts of its types in
// lexicographic order (JSON-LD 1.1 expansion, step 11).
func topLevelContext(doc map[string]any, opts *ld.JsonLdOptions) (*ld.Context, error) {
	active, err := ld.NewContext(nil, opts).Parse(doc["@context"])
	if err != nil {
		return nil, fmt.Errorf("%w: context: %w", ErrJSONLD, unwrapLD(err))
	}
	var types []string
	for k, v := range doc {
		if k != "@type" && k != "type" {
			continue
		}
		for _, t := range asList(v) {
			if s, ok := t.(string); ok {
				types = append(types, s)
			}
		}
	}
	slices.Sort(types)
	base := active
	for _, t := range types {
		td := base.GetTermDefinition(t)
		if td == nil || !td.HasContext {
			continue
		}
		if active, err = active.Parse(td.Context); err != nil {
			return nil, fmt.Errorf("%w: type-scoped context of %s: %w", ErrJSONLD, truncate(t), unwrapLD(err))
		}
	}
	return active, nil
}

// nestedContextPath finds an @context below the top level.
func nestedContextPath(v any, path string) string {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if k == "@context" {
				if path != "" {
					return path
				}
				continue
			}
			if p := nestedContextPath(e, path+"."+k); p != "" {
				return p
			}
		}
	case []any:
		for _, e := range t {
			if p := nestedContextPath(e, path); p != "" {
				return p
			}
		}
	}
	return ""
}

// emptyKeyPath finds a member named "" (path is where v is). With an active
// @vocab, jsonld.js expands the key "" to the @vocab IRI itself; json-gold
// v0.9.1 takes the empty active property for "top level" and drops the
// member's value without an error, even in safe mode, so its statements
// would be missing from the signed data. Such documents are refused
// wherever the key is (also inside a JSON literal, where it would be safe:
// one rule is simpler than tracking which values are literals).
func emptyKeyPath(v any, path string) string {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if k == "" {
				if path == "" {
					return "the top level"
				}
				return path
			}
			if p := emptyKeyPath(e, strings.TrimPrefix(path+"."+k, ".")); p != "" {
				return p
			}
		}
	case []any:
		for _, e := range t {
			if p := emptyKeyPath(e, path); p != "" {
				return p
			}
		}
	}
	return ""
}

// checkNumbers refuses numbers outside the range where JSON-LD processors
// agree on the RDF literal (integers beyond 2^53 and non-finite values are
// written differently by different processors).
func checkNumbers(v any) error {
	switch t := v.(type) {
	case map[string]any:
		for _, e := range t {
			if err := checkNumbers(e); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range t {
			if err := checkNumbers(e); err != nil {
				return err
			}
		}
	case json.Number:
		f, err := t.Float64()
		if err != nil || math.IsInf(f, 0) || (f == math.Trunc(f) && math.Abs(f) > 1<<53) {
			return fmt.Errorf("%w: number %s is outside the range JSON-LD processors agree on", ErrJSONLD, truncate(string(t)))
		}
	}
	return nil
}

// checkExpanded completes safe mode: every property in the expanded document
// is an absolute IRI (a blank-node property, "_:b0", has no RDF form and
// json-gold would drop its statements silently), every node id and type an
// absolute IRI or a blank node. (json-gold's SafeMode already refuses
// properties that do not expand.) jsonld.js in safe mode refuses the same
// documents; testdata/vocab records the cases.
func checkExpanded(v any) error {
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			if err := checkExpanded(e); err != nil {
				return err
			}
		}
	case map[string]any:
		_, isValue := t["@value"]
		for k, e := range t {
			switch k {
			case "@id":
				if s, ok := e.(string); ok && !absoluteOrBlank(s) {
					return fmt.Errorf("%w: relative @id %q does not expand to an absolute IRI", ErrUndefinedTerm, truncate(s))
				}
			case "@type":
				types, _ := e.([]any)
				if s, ok := e.(string); ok {
					types = []any{s}
				}
				for _, ty := range types {
					s, _ := ty.(string)
					if isValue && s == "@json" {
						continue
					}
					if !absoluteOrBlank(s) {
						return fmt.Errorf("%w: type %q does not expand to an absolute IRI", ErrUndefinedTerm, truncate(s))
					}
				}
			default:
				if !strings.HasPrefix(k, "@") && (!absoluteOrBlank(k) || strings.HasPrefix(k, "_:")) {
					return fmt.Errorf("%w: property %q does not expand to an absolute IRI", ErrUndefinedTerm, truncate(k))
				}
				if err := checkExpanded(e); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func absoluteOrBlank(s string) bool {
	if strings.HasPrefix(s, "_:") {
		return len(s) > 2
	}
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return false
	}
	for j := 0; j < i; j++ {
		c := s[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// boundWork refuses datasets whose canonicalization could blow up. RDFC-1.0
// is near-linear when every blank node has a distinct first-degree hash;
// blank nodes that share one ("ambiguous" nodes) go through the N-degree
// hash, whose cost grows factorially with the size of each connected group
// of them (the poison graphs of the RDF Canonicalization test suite: a
// clique of 6 such nodes takes about 0.3 s in json-gold, 7 about 2 s, 8
// about 20 s). We bound the blank nodes, the largest group (maxAmbiguous)
// and the sum of the groups' factorials (8 × maxAmbiguous!) before the
// algorithm runs.
func (g *jsonGold) boundWork(ds *ld.RDFDataset) error {
	type quadRef struct {
		q     *ld.Quad
		graph string
	}
	byNode := map[string][]quadRef{}
	add := func(n ld.Node, ref quadRef) {
		if n != nil && ld.IsBlankNode(n) {
			id := n.GetValue()
			byNode[id] = append(byNode[id], ref)
		}
	}
	for graph, quads := range ds.Graphs {
		if graph == "@default" {
			graph = ""
		}
		for _, q := range quads {
			ref := quadRef{q, graph}
			add(q.Subject, ref)
			add(q.Object, ref)
			if strings.HasPrefix(graph, "_:") {
				byNode[graph] = append(byNode[graph], ref)
			}
		}
		if len(byNode) > g.maxBlank {
			break
		}
	}
	if len(byNode) > g.maxBlank {
		return fmt.Errorf("%w: more than %d blank nodes", ErrTooComplex, g.maxBlank)
	}
	groups := map[[32]byte]int{}
	hashes := make(map[string][32]byte, len(byNode))
	for id, refs := range byNode {
		lines := make([]string, 0, len(refs))
		for _, r := range refs {
			var b strings.Builder
			for _, n := range []ld.Node{r.q.Subject, r.q.Predicate, r.q.Object} {
				writeNode(&b, n, id)
			}
			writeGraph(&b, r.graph, id)
			lines = append(lines, b.String())
		}
		slices.Sort(lines)
		h := sha256.Sum256([]byte(strings.Join(lines, "\n")))
		hashes[id] = h
		groups[h]++
	}
	// Only ambiguous nodes are permuted by the N-degree hash, and only
	// together with the ambiguous nodes they share statements with: the
	// work grows with the factorial of each connected group of them.
	parent := map[string]string{}
	find := func(x string) string {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for id, h := range hashes {
		if groups[h] > 1 {
			parent[id] = id
		}
	}
	for id := range parent {
		for _, r := range byNode[id] {
			for _, other := range []string{blankID(r.q.Subject), blankID(r.q.Object), r.graph} {
				if _, ok := parent[other]; ok && other != id {
					parent[find(other)] = find(id)
				}
			}
		}
	}
	size := map[string]int{}
	for id := range parent {
		size[find(id)]++
	}
	work := 0
	for _, n := range size {
		if n > g.maxAmbiguous {
			return fmt.Errorf("%w: %d connected blank nodes are indistinguishable by their own statements (limit %d)", ErrTooComplex, n, g.maxAmbiguous)
		}
		work += factorial(n)
	}
	if limit := 8 * factorial(g.maxAmbiguous); work > limit {
		return fmt.Errorf("%w: too many groups of indistinguishable blank nodes", ErrTooComplex)
	}
	return nil
}

func blankID(n ld.Node) string {
	if n != nil && ld.IsBlankNode(n) {
		return n.GetValue()
	}
	return ""
}

// factorial saturates at 2^40, far beyond any bound worth configuring.
func factorial(n int) int {
	f := 1
	for k := 2; k <= n && f < 1<<40; k++ {
		f *= k
	}
	return min(f, 1<<40)
}

func writeNode(b *strings.Builder, n ld.Node, self string) {
	switch {
	case n == nil:
		b.WriteString("\x00-")
	case ld.IsBlankNode(n):
		if n.GetValue() == self {
			b.WriteString("\x00a")
		} else {
			b.WriteString("\x00z")
		}
	case ld.IsLiteral(n):
		l := n.(ld.Literal)
		fmt.Fprintf(b, "\x00l%q^%q@%q", l.Value, l.Datatype, l.Language)
	default:
		fmt.Fprintf(b, "\x00i%q", n.GetValue())
	}
}

func writeGraph(b *strings.Builder, graph, self string) {
	switch {
	case graph == "":
		b.WriteString("\x00g")
	case strings.HasPrefix(graph, "_:"):
		if graph == self {
			b.WriteString("\x00ga")
		} else {
			b.WriteString("\x00gz")
		}
	default:
		fmt.Fprintf(b, "\x00gi%q", graph)
	}
}

func truncate(s string) string {
	const max = 120
	if len(s) > max {
		s = s[:max] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

var _ canonicalizer = (*jsonGold)(nil)

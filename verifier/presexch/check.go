package presexch

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/chainid/chainid/verifier"
)

// Verifier is the verification pipeline (*verifier.Verifier).
type Verifier interface {
	Verify(ctx context.Context, in verifier.Input, pol verifier.Policy) (*verifier.Result, error)
}

// Checked is the outcome of Check.
type Checked struct {
	// Result is the pipeline's result for the presentation.
	Result *verifier.Result
	// Evaluation is the submission's evaluation; nil when the presentation
	// did not verify.
	Evaluation *Evaluation
}

// OK reports whether the presentation verified and satisfies the
// definition.
func (c *Checked) OK() bool {
	return c.Result != nil && c.Result.Verified && c.Evaluation != nil && c.Evaluation.OK()
}

// Check is the verifier side: it verifies a presentation (an ldp_vp object,
// a VP-JWT, or an SD-JWT with key binding) through the pipeline, bound to
// nonce and audience under pol, and, if it verified, evaluates the
// submission over it. A descriptor resolves only to a credential embedded
// in the presentation (compared by value) and selects from the claims the
// pipeline verified; a path_nested step may only open the presentation
// itself. The error is the pipeline's (malformed input) or Evaluate's.
func Check(ctx context.Context, v Verifier, def *Definition, sub *Submission, presentation json.RawMessage, nonce, audience string, pol verifier.Policy) (*Checked, error) {
	if err := def.ready(); err != nil {
		return nil, err
	}
	res, err := v.Verify(ctx, verifier.Input{Presentation: presentation, Nonce: nonce, Audience: audience}, pol)
	if err != nil {
		return nil, fmt.Errorf("verify presentation: %w", err)
	}
	out := &Checked{Result: res}
	if !res.Verified {
		return out, nil
	}
	root, sources, err := presentationSources(presentation)
	if err != nil {
		return nil, err
	}
	if len(sources) != len(res.Credentials) {
		out.Evaluation = &Evaluation{Problems: []string{"the presentation's credentials do not line up with the verified ones"}}
		return out, nil
	}
	rootJSON := canonical(root)
	resolve := func(format string, val any, final bool) (any, error) {
		if !final {
			s, ok := val.(string)
			if !ok || canonical(val) != rootJSON {
				return nil, errors.New("path_nested may only open the presentation itself")
			}
			return decodeJWTPayload(s)
		}
		key := canonical(val)
		for i, src := range sources {
			if canonical(src) != key {
				continue
			}
			c := res.Credentials[i]
			if c.Claims == nil {
				return nil, errors.New("the credential has no verified claims")
			}
			return jsonschema.UnmarshalJSON(bytes.NewReader(c.Claims))
		}
		return nil, errors.New("the path does not select a credential of the presentation")
	}
	if out.Evaluation, err = Evaluate(def, sub, root, resolve); err != nil {
		return nil, err
	}
	return out, nil
}

// presentationSources returns the presentation as decoded JSON and its
// credentials in the order the pipeline verifies them.
func presentationSources(raw json.RawMessage) (any, []any, error) {
	raw = bytes.TrimSpace(raw)
	var tok string
	if len(raw) > 0 && raw[0] == '"' {
		if err := json.Unmarshal(raw, &tok); err != nil {
			return nil, nil, fmt.Errorf("%w: %w", ErrInvalid, err)
		}
	} else if len(raw) > 0 && raw[0] != '{' {
		tok = string(raw)
	}
	if tok != "" {
		if strings.Contains(tok, "~") { // an SD-JWT is its own credential
			return tok, []any{tok}, nil
		}
		payload, err := decodeJWTPayload(tok)
		if err != nil {
			return nil, nil, err
		}
		m, _ := payload.(map[string]any)
		holder := m
		if vp, ok := m["vp"].(map[string]any); ok {
			holder = vp
		}
		return tok, list(holder["verifiableCredential"]), nil
	}
	obj, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	m, _ := obj.(map[string]any)
	return obj, list(m["verifiableCredential"]), nil
}

func list(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	default:
		return []any{x}
	}
}

// decodeJWTPayload decodes a compact JWT's payload; Check calls it only on a
// presentation the pipeline verified.
func decodeJWTPayload(tok string) (any, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: not a compact JWT", ErrInvalid)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("%w: JWT payload: %w", ErrInvalid, err)
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

// canonical is a value's JSON with sorted members, for comparison.
func canonical(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

package verifier

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/chainid/chainid/credentials"
	"github.com/chainid/chainid/credentials/schema"
)

// schemaType is the credentialSchema type the schema check evaluates.
const schemaType = "JsonSchema"

// schema validates each subject against each JsonSchema the credential
// names.
func (r *run) schema(ctx context.Context, c *credentials.Credential, issuer string) {
	refs := c.CredentialSchema.Items
	if len(refs) == 0 {
		r.pass(CheckSchema, "the credential names no schema")
		return
	}
	for _, ref := range refs {
		if ref.Type != schemaType {
			r.fail(CheckSchema, fmt.Sprintf("credentialSchema type %q is not supported", ref.Type))
			return
		}
		if r.v.cfg.Schemas == nil {
			r.fail(CheckSchema, "no schema source is configured to check "+ref.ID)
			return
		}
		s, err := r.v.cfg.Schemas.Schema(ctx, issuer, ref.ID)
		if err != nil {
			r.fail(CheckSchema, fmt.Sprintf("schema %s unavailable: %s", ref.ID, err))
			return
		}
		for _, sub := range c.Subjects() {
			raw, err := sub.JSON()
			if err != nil {
				r.failErr(CheckSchema, err)
				return
			}
			if errs := s.Validate(raw); len(errs) > 0 {
				msgs := make([]string, 0, len(errs))
				for _, e := range errs {
					msgs = append(msgs, e.String())
				}
				r.fail(CheckSchema, "subject does not match "+ref.ID+": "+strings.Join(msgs, "; "))
				return
			}
		}
	}
	r.pass(CheckSchema, "every subject matches its schema")
}

// SchemaFunc adapts a function to SchemaSource.
type SchemaFunc func(ctx context.Context, issuer, id string) (*schema.Schema, error)

// Schema calls f.
func (f SchemaFunc) Schema(ctx context.Context, issuer, id string) (*schema.Schema, error) {
	return f(ctx, issuer, id)
}

// FetcherFunc adapts a function to Fetcher.
type FetcherFunc func(ctx context.Context, url string) ([]byte, string, error)

// Fetch calls f.
func (f FetcherFunc) Fetch(ctx context.Context, url string) ([]byte, string, error) {
	return f(ctx, url)
}

// MarshalJSON writes a Duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a Go duration string or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("duration: %w", err)
		}
		*d = Duration(v)
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f < 0 || f > float64(MaxLeeway/time.Second)*1000 {
		return fmt.Errorf("duration: want a string like \"30s\" or a number of seconds")
	}
	*d = Duration(time.Duration(f * float64(time.Second)))
	return nil
}

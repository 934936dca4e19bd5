package oauth_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/chainid/chainid/internal/oauth"
)

type code string

type otherCode string

func TestError(t *testing.T) {
	cause := io.ErrUnexpectedEOF
	for _, tc := range []struct {
		name       string
		err        *oauth.Error[code]
		wantErr    string
		wantJSON   string
		wantStatus int
	}{
		{"code only", &oauth.Error[code]{Code: "invalid_request"},
			"invalid_request", `{"error":"invalid_request"}`, 400},
		{"description and cause", &oauth.Error[code]{Code: "invalid_grant", Description: "expired", Err: cause},
			"invalid_grant: expired: unexpected EOF", `{"error":"invalid_grant","error_description":"expired"}`, 400},
		{"sanitized description", &oauth.Error[code]{Code: "invalid_proof", Description: "bad \"quote\" \\ é\n"},
			"invalid_proof: bad \"quote\" \\ é\n", `{"error":"invalid_proof","error_description":"bad quote  "}`, 400},
		{"invalid_token", &oauth.Error[code]{Code: "invalid_token"},
			"invalid_token", `{"error":"invalid_token"}`, 401},
		{"insufficient_scope", &oauth.Error[code]{Code: "insufficient_scope"},
			"insufficient_scope", `{"error":"insufficient_scope"}`, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.wantErr {
				t.Errorf("Error() = %q, want %q", got, tc.wantErr)
			}
			js, err := json.Marshal(tc.err)
			if err != nil || string(js) != tc.wantJSON {
				t.Errorf("JSON = %s, %v; want %s", js, err, tc.wantJSON)
			}
			if js, _ := json.Marshal(tc.err.Response()); string(js) != tc.wantJSON {
				t.Errorf("Response JSON = %s, want %s", js, tc.wantJSON)
			}
			if got := tc.err.Status(); got != tc.wantStatus {
				t.Errorf("Status() = %d, want %d", got, tc.wantStatus)
			}
		})
	}
}

// TestErrorsAs: errors.As finds the error through wrapping, reaches its
// cause, and tells instantiations with different code types apart.
func TestErrorsAs(t *testing.T) {
	err := fmt.Errorf("token: %w", &oauth.Error[code]{Code: "invalid_grant", Err: io.EOF})
	var pe *oauth.Error[code]
	if !errors.As(err, &pe) || pe.Code != "invalid_grant" {
		t.Fatalf("errors.As = %v", pe)
	}
	if !errors.Is(err, io.EOF) {
		t.Error("cause not reachable with errors.Is")
	}
	var other *oauth.Error[otherCode]
	if errors.As(err, &other) {
		t.Error("errors.As matched another code type")
	}
}

func ExampleError() {
	type ErrorCode string
	err := &oauth.Error[ErrorCode]{Code: "invalid_request", Description: "state does not match"}
	body, _ := json.Marshal(err.Response())
	fmt.Println(err.Status(), string(body))
	// Output: 400 {"error":"invalid_request","error_description":"state does not match"}
}

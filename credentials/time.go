package credentials

import (
	"fmt"
	"regexp"
	"time"
)

// dateTimeRE is the XML Schema dateTime lexical form restricted to four-digit
// years, no leap seconds and no 24:00:00, with at most nanosecond precision.
// The time zone is optional; VC 2.0 dates (dateTimeStamp) require it.
var dateTimeRE = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?$`)

// ParseDateTime parses an XML Schema dateTime as used by the VC data model.
// With needZone set (VC 2.0 validFrom and validUntil are dateTimeStamps) a
// value without a time zone is refused; otherwise such a value is read as
// UTC. Every RFC 3339 date-time with an upper-case T and Z is accepted.
func ParseDateTime(s string, needZone bool) (time.Time, error) {
	m := dateTimeRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf("%q is not an XML Schema dateTime", s)
	}
	if m[5] == "" {
		if needZone {
			return time.Time{}, fmt.Errorf("%q has no time zone", s)
		}
		s += "Z"
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a valid date: %w", s, err)
	}
	return t, nil
}

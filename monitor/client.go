package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/chaperone-project/chaperone"
)

// ReadOptions bound a read of an account's posts (ReadStatuses,
// ReadAuthorFeed). Zero fields mean no bound, except MaxPages.
type ReadOptions struct {
	// Since stops the read at the first post older than it: a watch that
	// ran before passes the time of the newest post it has.
	Since    time.Time
	MaxPosts int // stop after this many posts handed to the callback
	MaxPages int // requests for pages, default 100
}

// hand passes p to fn unless it is older than Since or has no text,
// counting what fn took in *n. It reports whether the read is over: a post
// older than Since, MaxPosts reached, or fn's error. ReadStatuses and
// ReadAuthorFeed call it for each post, newest first.
func (o ReadOptions) hand(p chaperone.Post, fn func(chaperone.Post) error, n *int) (done bool, err error) {
	if !o.Since.IsZero() && p.At.Before(o.Since) {
		return true, nil
	}
	if strings.TrimSpace(p.Text) == "" {
		return false, nil
	}
	if err := fn(p); err != nil {
		return true, err
	}
	*n++
	return o.MaxPosts > 0 && *n >= o.MaxPosts, nil
}

// Retry says how a connector repeats a request that failed for a reason
// that may pass: a network error or timeout, a 5xx answer, a 429 (whose
// Retry-After is honoured up to Max). Publishing repeats with the same
// idempotency key, so a repeat never posts twice. Zero fields take the
// defaults.
type Retry struct {
	Attempts int           // in all, default 4
	Base     time.Duration // the first wait, doubled each time, default 1 s
	Max      time.Duration // the longest wait, default 30 s
}

// callError is a failed API call: the *chaperone.Error to return, and
// whether trying again may help.
type callError struct {
	err       *chaperone.Error
	status    int
	xrpc      string // the XRPC error name, for Bluesky
	transient bool
	after     time.Duration
}

func (e *callError) Error() string { return e.err.Error() }
func (e *callError) Unwrap() error { return e.err }

// run calls fn until it succeeds, fails for good, or the attempts are
// spent; it returns fn's last error as a *chaperone.Error.
func (r Retry) run(ctx context.Context, fn func() error) error {
	attempts := r.Attempts
	if attempts <= 0 {
		attempts = 4
	}
	base, most := orDefault(r.Base, time.Second), orDefault(r.Max, 30*time.Second)
	for i := 0; ; i++ {
		err := fn()
		if err == nil {
			return nil
		}
		var ce *callError
		if !errors.As(err, &ce) || !ce.transient || i+1 >= attempts {
			if ce != nil {
				return ce.err
			}
			return err
		}
		wait := base << i
		if ce.after > 0 {
			wait = ce.after
		}
		wait = min(wait, most)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

var xrpcNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{0,63}$`)

// call sends req through f and decodes a 2xx JSON answer into out (when
// out is not nil). what names the call in errors ("posting the status");
// errors name the platform's host and status, never the body.
func call(f *Fetcher, req *http.Request, what string, out any) (*Response, error) {
	resp, err := f.Do(req)
	if err != nil {
		var ce *chaperone.Error
		if errors.As(err, &ce) {
			return nil, &callError{err: &chaperone.Error{Code: ce.Code, Msg: what + ": " + ce.Msg}, transient: ce.Code == chaperone.ErrUnavailable}
		}
		return nil, err
	}
	host := req.URL.Hostname()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := &callError{status: resp.StatusCode}
		var x struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(resp.Body, &x) == nil && xrpcNameRE.MatchString(x.Error) {
			e.xrpc = x.Error
		}
		code, why := chaperone.ErrUnavailable, ""
		switch s := resp.StatusCode; {
		case s == 401 || s == 403:
			code, why = chaperone.ErrUnauthenticated, "the credentials were refused"
		case s == 404:
			code, why = chaperone.ErrNotFound, "not found"
		case s == 409:
			code, why = chaperone.ErrConflict, "a conflict"
		case s == 413:
			code, why = chaperone.ErrTooLarge, "too large"
		case s == 429:
			code, why = chaperone.ErrTooMany, "rate-limited"
			e.transient = true
			if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && n > 0 {
				e.after = time.Duration(n) * time.Second
			} else if t, err := http.ParseTime(resp.Header.Get("Retry-After")); err == nil {
				e.after = time.Until(t)
			}
		case s >= 500:
			why, e.transient = "a server error", true
		default:
			code, why = chaperone.ErrInvalid, "refused"
		}
		msg := fmt.Sprintf("%s: %s answered %d (%s)", what, host, resp.StatusCode, why)
		if e.xrpc != "" {
			msg = fmt.Sprintf("%s: %s answered %d %s", what, host, resp.StatusCode, e.xrpc)
		}
		e.err = &chaperone.Error{Code: code, Msg: msg}
		return resp, e
	}
	if out != nil {
		if err := json.Unmarshal(resp.Body, out); err != nil {
			return resp, &callError{err: errf(chaperone.ErrUnavailable, "%s: %s answered with JSON chaperone cannot read", what, host).(*chaperone.Error)}
		}
	}
	return resp, nil
}

// baseURL checks a server's address ("https://med.social") and returns it
// without a trailing slash.
func baseURL(s string) (string, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "/")
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", errf(chaperone.ErrInvalid, "the server must be an http(s) address such as https://mastodon.social")
	}
	return s, nil
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

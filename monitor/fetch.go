package monitor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/chaperone-project/chaperone"
)

// FetchConfig sets up a Fetcher. Zero fields take the defaults.
type FetchConfig struct {
	// Allow lists address ranges (CIDRs such as "10.20.0.0/16", or single
	// addresses) that an admin allows although they are loopback, private
	// or otherwise internal: an on-premises Mastodon, a test's own server.
	Allow []string
	// MaxBody caps a response body, after any decompression (default
	// 32 MiB); a longer body is refused with ErrTooLarge.
	MaxBody       int64
	MaxRedirects  int           // default 5
	DialTimeout   time.Duration // connecting, default 10 s
	TLSTimeout    time.Duration // the TLS handshake, default 10 s
	HeaderTimeout time.Duration // waiting for the response's headers, default 20 s
	Timeout       time.Duration // the whole request and body, default 60 s
	UserAgent     string        // default "chaperone-monitor/1"
}

// Fetcher is the only way monitor reaches the network: an http.Client that
// speaks http and https only, refuses to connect to loopback, private
// (RFC 1918, ULA), link-local, CGNAT, multicast, unspecified and reserved
// addresses (also in their IPv4-mapped forms) unless they are in the
// admin's allow-list, checks each address after DNS resolution and on
// every redirect, bounds redirects, time and body size, and never uses
// the environment's proxy. The feed reader and the Mastodon and Bluesky
// clients use it; the service builds one from the admin's settings. It is
// safe for concurrent use.
type Fetcher struct {
	allow     []netip.Prefix
	maxBody   int64
	userAgent string
	client    *http.Client
}

// Response is an answer read whole within the Fetcher's body limit.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	URL        *url.URL // after redirects
}

// NewFetcher returns a Fetcher; it fails only on an allow-list entry that
// is neither a CIDR nor an address.
func NewFetcher(cfg FetchConfig) (*Fetcher, error) {
	f := &Fetcher{maxBody: cfg.MaxBody, userAgent: cfg.UserAgent}
	for _, a := range cfg.Allow {
		a = strings.TrimSpace(a)
		if p, err := netip.ParsePrefix(a); err == nil {
			f.allow = append(f.allow, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(a)
		if err != nil {
			return nil, errf(chaperone.ErrInvalid, "allowed address %q is neither a CIDR nor an IP address", a)
		}
		f.allow = append(f.allow, netip.PrefixFrom(ip, ip.BitLen()))
	}
	if f.maxBody <= 0 {
		f.maxBody = 32 << 20
	}
	if f.userAgent == "" {
		f.userAgent = "chaperone-monitor/1"
	}
	maxRedirects := cfg.MaxRedirects
	if maxRedirects <= 0 {
		maxRedirects = 5
	}
	dialer := &net.Dialer{Timeout: orDefault(cfg.DialTimeout, 10*time.Second), KeepAlive: 30 * time.Second, Control: f.control}
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would connect on our behalf, past the address check
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   orDefault(cfg.TLSTimeout, 10*time.Second),
		ResponseHeaderTimeout: orDefault(cfg.HeaderTimeout, 20*time.Second),
		MaxIdleConns:          32,
		IdleConnTimeout:       60 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	f.client = &http.Client{
		Transport: tr,
		Timeout:   orDefault(cfg.Timeout, 60*time.Second),
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return errf(chaperone.ErrInvalid, "%s redirected more than %d times", via[0].URL.Host, maxRedirects)
			}
			if err := checkScheme(req.URL); err != nil {
				return err
			}
			return nil
		},
	}
	return f, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// checkScheme refuses URLs that are not http or https with a host.
func checkScheme(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return errf(chaperone.ErrInvalid, "only http and https URLs are fetched, not %q", u.Scheme)
	}
	if u.Host == "" {
		return errf(chaperone.ErrInvalid, "the URL has no host")
	}
	if u.User != nil {
		return errf(chaperone.ErrInvalid, "URLs with a user name or password are not fetched")
	}
	return nil
}

// blockedError is the dialer's refusal of an address.
type blockedError struct {
	addr   netip.Addr
	reason string
}

func (e *blockedError) Error() string {
	return fmt.Sprintf("%s is %s", e.addr, e.reason)
}

// control runs after DNS resolution, before each connection.
func (f *Fetcher) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &blockedError{reason: "not an IP address"}
	}
	ip := ap.Addr()
	for _, p := range f.allow {
		if p.Contains(ip) || p.Contains(ip.Unmap()) {
			return nil
		}
	}
	if why := Blocked(ip); why != "" {
		return &blockedError{addr: ip, reason: why}
	}
	return nil
}

var (
	cgnat      = netip.MustParsePrefix("100.64.0.0/10")
	special4   = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("192.0.0.0/24"), netip.MustParsePrefix("198.18.0.0/15"), netip.MustParsePrefix("240.0.0.0/4")}
	ipv4compat = netip.MustParsePrefix("::/96")
	nat64      = netip.MustParsePrefix("64:ff9b::/96")
)

// Blocked says why a Fetcher refuses to connect to ip ("a loopback
// address"), or returns "" when ip is a public address. The admin's
// allow-list is checked before it. Callers may use it to check settings.
func Blocked(ip netip.Addr) string {
	if !ip.IsValid() {
		return "not an IP address"
	}
	if ip.Is4In6() {
		if why := Blocked(ip.Unmap()); why != "" {
			return why + " (IPv4-mapped)"
		}
		return ""
	}
	if ip.Is6() && nat64.Contains(ip) {
		b := ip.As16()
		if why := Blocked(netip.AddrFrom4([4]byte(b[12:16]))); why != "" {
			return why + " (NAT64)"
		}
	}
	switch {
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsUnspecified():
		return "an unspecified address"
	case ip.IsPrivate():
		return "a private address"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return "a link-local address"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "a multicast address"
	case ip.Is4() && cgnat.Contains(ip):
		return "a shared (CGNAT) address"
	case ip.Is4() && ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "the broadcast address"
	case ip.Is6() && ipv4compat.Contains(ip):
		return "an IPv4-compatible address"
	}
	if ip.Is4() {
		for _, p := range special4 {
			if p.Contains(ip) {
				return "a reserved address"
			}
		}
	}
	return ""
}

// Get fetches rawURL.
func (f *Fetcher) Get(ctx context.Context, rawURL string, accept string) (*Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, errf(chaperone.ErrInvalid, "the URL cannot be read")
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return f.Do(req)
}

// Do sends req and reads the whole body within the limit. It returns an
// error only when no answer could be read: any status code is an answer,
// for the caller to judge. Errors are *chaperone.Error naming the host and
// why (ErrInvalid for a refused URL or address, ErrTooLarge for a body
// over the limit, ErrUnavailable for network failures and timeouts); they
// never hold the response body.
func (f *Fetcher) Do(req *http.Request) (*Response, error) {
	if err := checkScheme(req.URL); err != nil {
		return nil, err
	}
	host := req.URL.Hostname()
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", f.userAgent)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, f.netErr(host, err)
	}
	defer resp.Body.Close()
	if resp.ContentLength > f.maxBody {
		return nil, errf(chaperone.ErrTooLarge, "the answer from %s is larger than %s", host, sizeMB(f.maxBody))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBody+1))
	if err != nil {
		return nil, f.netErr(host, err)
	}
	if int64(len(body)) > f.maxBody {
		return nil, errf(chaperone.ErrTooLarge, "the answer from %s is larger than %s", host, sizeMB(f.maxBody))
	}
	return &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body, URL: resp.Request.URL}, nil
}

// netErr classifies a client error.
func (f *Fetcher) netErr(host string, err error) error {
	var be *blockedError
	if errors.As(err, &be) {
		if be.addr.IsValid() {
			return errf(chaperone.ErrInvalid, "refusing to connect to %s: %s (an admin may allow its range)", hostOf(err, host), be)
		}
		return errf(chaperone.ErrInvalid, "refusing to connect to %s: %s", hostOf(err, host), be.reason)
	}
	var ce *chaperone.Error
	if errors.As(err, &ce) {
		return ce
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return errf(chaperone.ErrUnavailable, "%s did not answer in time", host)
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		return errf(chaperone.ErrUnavailable, "%s cannot be found (DNS)", host)
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return &chaperone.Error{Code: chaperone.ErrUnavailable, Msg: "cannot reach " + host, Err: oe.Err}
	}
	return &chaperone.Error{Code: chaperone.ErrUnavailable, Msg: "cannot reach " + host, Err: errors.Unwrap(err)}
}

// hostOf names the host a (possibly redirected) request was going to.
func hostOf(err error, host string) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Hostname() != "" {
			return u.Hostname()
		}
	}
	return host
}

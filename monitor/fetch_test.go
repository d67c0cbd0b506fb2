package monitor

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chaperone-project/chaperone"
)

// loopbackFetcher allows the tests' own servers on 127.0.0.1 only.
func loopbackFetcher(t testing.TB, cfg FetchConfig) *Fetcher {
	t.Helper()
	cfg.Allow = append(cfg.Allow, "127.0.0.1/32")
	f, err := NewFetcher(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestBlocked(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1":          "a loopback address",
		"::1":                "a loopback address",
		"10.1.2.3":           "a private address",
		"172.16.0.1":         "a private address",
		"192.168.1.1":        "a private address",
		"fd00::1":            "a private address",
		"169.254.169.254":    "a link-local address",
		"fe80::1":            "a link-local address",
		"0.0.0.0":            "an unspecified address",
		"::":                 "an unspecified address",
		"239.1.2.3":          "a multicast address",
		"224.0.0.1":          "a link-local address",
		"ff05::1":            "a multicast address",
		"100.64.0.1":         "a shared (CGNAT) address",
		"100.127.255.255":    "a shared (CGNAT) address",
		"::ffff:127.0.0.1":   "a loopback address (IPv4-mapped)",
		"::ffff:10.0.0.1":    "a private address (IPv4-mapped)",
		"::ffff:169.254.1.1": "a link-local address (IPv4-mapped)",
		"64:ff9b::a00:1":     "a private address (NAT64)",
		"::127.0.0.1":        "an IPv4-compatible address",
		"0.1.2.3":            "a reserved address",
		"255.255.255.255":    "the broadcast address",
		"198.18.0.1":         "a reserved address",
		"93.184.216.34":      "",
		"2606:4700::1111":    "",
		"100.128.0.1":        "",
		"::ffff:8.8.8.8":     "",
	} {
		if got := Blocked(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Blocked(%s) = %q, want %q", addr, got, want)
		}
	}
}

func TestFetcherRefuses(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") }))
	defer ok.Close()
	port := ok.Listener.Addr().(*net.TCPAddr).Port
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := make([]byte, 1<<20)
		for range 100 { // 100 MB, without a Content-Length
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer big.Close()
	bigLen := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "104857600")
		w.Write(make([]byte, 1<<10))
	}))
	defer bigLen.Close()
	loops := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/again"+r.URL.Path, http.StatusFound)
	}))
	defer loops.Close()
	toFile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	}))
	defer toFile.Close()

	strict, _ := NewFetcher(FetchConfig{})
	allowed := loopbackFetcher(t, FetchConfig{MaxBody: 1 << 20})
	tests := []struct {
		name string
		f    *Fetcher
		url  string
		code chaperone.ErrorCode
		msg  string
	}{
		{"loopback by address", strict, ok.URL, chaperone.ErrInvalid, "refusing to connect to 127.0.0.1: 127.0.0.1 is a loopback address (an admin may allow its range)"},
		{"a name resolving to loopback", strict, strings.Replace(ok.URL, "127.0.0.1", "localhost", 1), chaperone.ErrInvalid, "refusing to connect to localhost"},
		{"IPv4-mapped loopback", strict, "http://[::ffff:127.0.0.1]:" + itoa(port) + "/", chaperone.ErrInvalid, "loopback"},
		{"private", strict, "http://10.255.255.1:9/", chaperone.ErrInvalid, "a private address"},
		{"metadata", strict, "http://169.254.169.254/latest/meta-data/", chaperone.ErrInvalid, "link-local"},
		{"scheme", strict, "file:///etc/passwd", chaperone.ErrInvalid, "only http and https"},
		{"gopher", strict, "gopher://example.org/", chaperone.ErrInvalid, "only http and https"},
		{"credentials in the URL", strict, "https://user:pass@example.org/", chaperone.ErrInvalid, "user name or password"},
		{"100 MB body", allowed, big.URL, chaperone.ErrTooLarge, "the answer from 127.0.0.1 is larger than 1 MiB"},
		{"100 MB claimed", allowed, bigLen.URL, chaperone.ErrTooLarge, "larger than 1 MiB"},
		{"redirect loop", allowed, loops.URL, chaperone.ErrInvalid, "redirected more than 5 times"},
		{"redirect to file:", allowed, toFile.URL, chaperone.ErrInvalid, "only http and https"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := tc.f.Get(context.Background(), tc.url, "")
			var ce *chaperone.Error
			if !errors.As(err, &ce) || ce.Code != tc.code || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err %v, want %s with %q", err, tc.code, tc.msg)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	// The allow-listed server answers.
	resp, err := allowed.Get(context.Background(), ok.URL, "")
	if err != nil || string(resp.Body) != "hello" {
		t.Fatalf("allowed fetch: %v", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestFetcherRedirectToLoopback serves on 127.0.0.2, the only address
// allowed, and redirects to 127.0.0.1: the redirect's address is checked
// again and refused.
func TestFetcherRedirectToLoopback(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "internal secrets") }))
	defer target.Close()
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skip("127.0.0.2 is not configured here:", err)
	}
	redir := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/admin", http.StatusFound)
	}))
	redir.Listener.Close()
	redir.Listener = ln
	redir.Start()
	defer redir.Close()
	f, err := NewFetcher(FetchConfig{Allow: []string{"127.0.0.2"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Get(context.Background(), redir.URL, "")
	if chaperone.CodeOf(err) != chaperone.ErrInvalid || !strings.Contains(err.Error(), "refusing to connect to 127.0.0.1: 127.0.0.1 is a loopback address") {
		t.Fatalf("err %v", err)
	}
	if strings.Contains(err.Error(), "secrets") {
		t.Fatal("the error holds the body")
	}
}

func TestFetcherTimeout(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer slow.Close()
	f := loopbackFetcher(t, FetchConfig{HeaderTimeout: 200 * time.Millisecond})
	start := time.Now()
	_, err := f.Get(context.Background(), slow.URL, "")
	if chaperone.CodeOf(err) != chaperone.ErrUnavailable || !strings.Contains(err.Error(), "127.0.0.1 did not answer in time") {
		t.Fatalf("err %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestNewFetcherAllowList(t *testing.T) {
	if _, err := NewFetcher(FetchConfig{Allow: []string{"10.0.0.0/8", "::1", "fd00::/8"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := NewFetcher(FetchConfig{Allow: []string{"intranet"}}); chaperone.CodeOf(err) != chaperone.ErrInvalid {
		t.Fatalf("err %v", err)
	}
}

package main

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chaperone-project/chaperone/store/storetest"
)

// server is a chaperone serve process the test started, with everything
// it wrote to stderr (its log) kept for the test to read.
type server struct {
	cmd  *exec.Cmd
	addr string
	mu   sync.Mutex
	log  bytes.Buffer
	done chan struct{}
}

// startServe starts the built binary on args plus a free loopback port,
// and returns once it says where it serves.
func startServe(t *testing.T, args ...string) *server {
	t.Helper()
	s := &server{done: make(chan struct{})}
	s.cmd = exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0", "--no-fetch"}, args...)...)
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.cmd.Process.Kill(); <-s.done })
	addr := make(chan string, 1)
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.log.WriteString(line + "\n")
			s.mu.Unlock()
			if m := regexp.MustCompile(`serving on (http://\S+)`).FindStringSubmatch(line); m != nil {
				addr <- m[1]
			}
		}
		s.cmd.Wait()
	}()
	select {
	case s.addr = <-addr:
	case <-time.After(60 * time.Second):
		t.Fatal("the server did not say where it serves")
	}
	return s
}

// logText is what the server has logged so far.
func (s *server) logText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// kill stops the server with SIGKILL, as a crash would, and waits for it.
func (s *server) kill() {
	s.cmd.Process.Kill()
	<-s.done
}

// phiTexts are the patient details the fault test writes; none may reach
// the server's log.
var phiTexts = []string{"Siobhan O'Connell", "0048-2913", "Walter Pruitt", "3/14/1931"}

// adminToken issues an API token for the first administrator with
// `chaperone user token` and the storage flags args, and returns it.
func adminToken(t *testing.T, args ...string) string {
	t.Helper()
	r := runCLI(t, nil, append([]string{"user", "token", "--email", "admin@localhost"}, args...)...)
	if r.code != 0 {
		t.Fatalf("token: %d %s", r.code, r.stderr)
	}
	return strings.TrimSpace(r.stdout[strings.LastIndex(strings.TrimSpace(r.stdout), "\n")+1:])
}

// writeStream creates drafts as fast as the server takes them until stop
// is closed, and returns the ids the server acknowledged (201).
func writeStream(base, token string, stop <-chan struct{}) []int64 {
	var mu sync.Mutex
	var acked []int64
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				text := fmt.Sprintf("Discharged Mrs. Siobhan O'Connell home today, MRN 0048-2913 (%d-%d). Saw Walter Pruitt (DOB 3/14/1931) too.", w, i)
				body, _ := json.Marshal(map[string]string{"text": text})
				req, _ := http.NewRequest("POST", base+"/api/v1/drafts", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := client.Do(req)
				if err != nil {
					time.Sleep(20 * time.Millisecond) // the server is down: keep trying
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					continue
				}
				var d struct {
					ID int64 `json:"id"`
				}
				if json.Unmarshal(b, &d) == nil && d.ID > 0 {
					mu.Lock()
					acked = append(acked, d.ID)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return acked
}

// missingDrafts counts the drafts of ids that the server at base does not
// have.
func missingDrafts(t *testing.T, base, token string, ids []int64) int {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	missing := 0
	for _, id := range ids {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/drafts/%d", base, id), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			missing++
		}
	}
	return missing
}

// TestKillMidWrites is issue 7's fault test, on SQLite and on PostgreSQL:
// chaperone serve is killed with SIGKILL in the middle of a stream of
// writes and started again; every write it acknowledged is there, the
// audit log verifies, and nothing of the patients' details written reached
// its log.
func TestKillMidWrites(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			dir := t.TempDir()
			args := []string{"--data", dir}
			if backend == "postgres" {
				args = append(args, "--db", storetest.DSN(t, "postgres"))
			}
			srv := startServe(t, args...)
			token := adminToken(t, args...)

			stop := make(chan struct{})
			result := make(chan []int64)
			go func() { result <- writeStream(srv.addr, token, stop) }()
			// let writes flow, then crash the server mid-stream
			time.Sleep(1500 * time.Millisecond)
			srv.kill()
			logs := srv.logText()
			close(stop)
			acked := <-result
			if len(acked) < 10 {
				t.Fatalf("only %d writes were acknowledged before the kill", len(acked))
			}

			srv2 := startServe(t, args...)
			if missing := missingDrafts(t, srv2.addr, token, acked); missing > 0 {
				t.Errorf("%d of %d acknowledged drafts are missing after the kill", missing, len(acked))
			}
			t.Logf("%s: %d writes acknowledged before SIGKILL, all there after the restart", backend, len(acked))
			srv2.kill()
			logs += srv2.logText()

			verify := append([]string{"audit", "verify"}, args...)
			if r := runCLI(t, nil, verify...); r.code != 0 || !strings.HasPrefix(r.stdout, "ok: ") {
				t.Fatalf("audit verify after the kill: %d %q %q", r.code, r.stdout, r.stderr)
			}
			for _, phi := range phiTexts {
				if strings.Contains(logs, phi) {
					t.Errorf("the server logged %q", phi)
				}
			}
			if strings.Contains(logs, token) {
				t.Error("the server logged the API token")
			}
		})
	}
}

// privatePostgres starts a PostgreSQL cluster of the test's own (Debian's
// initdb and pg_ctl, run as the postgres user) on a free port, so that the
// test may restart it without touching the server other tests use. It
// skips when the programs or the user are missing, unless
// CHAPERONE_REQUIRE_POSTGRES=1. It returns the DSN and a restart function.
func privatePostgres(t *testing.T) (string, func()) {
	t.Helper()
	skip := func(why string) {
		if os.Getenv("CHAPERONE_REQUIRE_POSTGRES") == "1" {
			t.Fatal(why + " (CHAPERONE_REQUIRE_POSTGRES=1)")
		}
		t.Skip(why)
	}
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	runuser, err := exec.LookPath("runuser")
	if len(bins) == 0 || err != nil || os.Geteuid() != 0 {
		skip("a private PostgreSQL cluster needs Debian's PostgreSQL server programs, runuser and root")
	}
	pgu, err := user.Lookup("postgres")
	if err != nil {
		skip("no postgres user")
	}
	bin := filepath.Dir(bins[len(bins)-1])
	dir, err := os.MkdirTemp("", "chaperone-pg-")
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(pgu.Uid)
	gid, _ := strconv.Atoi(pgu.Gid)
	os.Chown(dir, uid, gid)
	data := filepath.Join(dir, "data")
	as := func(args ...string) {
		t.Helper()
		out, err := exec.Command(runuser, append([]string{"-u", "postgres", "--"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	as(filepath.Join(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	opts := "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=on"
	as(filepath.Join(bin, "pg_ctl"), "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "start")
	t.Cleanup(func() {
		exec.Command(runuser, "-u", "postgres", "--", filepath.Join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop").Run()
		os.RemoveAll(dir)
	})
	restart := func() {
		as(filepath.Join(bin, "pg_ctl"), "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-m", "fast", "-w", "restart")
	}
	return "postgres://postgres@127.0.0.1:" + port + "/postgres?sslmode=disable", restart
}

// TestPostgresRestartMidWrites restarts PostgreSQL in the middle of a
// stream of writes to chaperone serve: requests fail while it is down,
// then succeed again without restarting chaperone, and every acknowledged
// write is there; the audit log verifies.
func TestPostgresRestartMidWrites(t *testing.T) {
	dsn, restart := privatePostgres(t)
	dir := t.TempDir()
	args := []string{"--data", dir, "--db", dsn}
	srv := startServe(t, args...)
	token := adminToken(t, args...)
	stop := make(chan struct{})
	result := make(chan []int64)
	go func() { result <- writeStream(srv.addr, token, stop) }()
	time.Sleep(time.Second)
	restart()
	time.Sleep(2 * time.Second) // writes go on after the restart
	close(stop)
	acked := <-result
	if len(acked) < 10 {
		t.Fatalf("only %d writes acknowledged", len(acked))
	}
	// writes after the restart were acknowledged too: the service recovered
	latest := slices.Max(acked)
	client := &http.Client{Timeout: 5 * time.Second}
	if missing := missingDrafts(t, srv.addr, token, acked); missing > 0 {
		t.Errorf("%d of %d acknowledged drafts are missing after the PostgreSQL restart", missing, len(acked))
	}
	// and the same server takes new writes: it recovered by itself
	req, _ := http.NewRequest("POST", srv.addr+"/api/v1/drafts", strings.NewReader(`{"text":"Flu shots are in."}`))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("a write after the restart: %v %v", err, resp)
	}
	resp.Body.Close()
	srv.kill()
	if r := runCLI(t, nil, append([]string{"audit", "verify"}, args...)...); r.code != 0 {
		t.Fatalf("audit verify: %d %q %q", r.code, r.stdout, r.stderr)
	}
	logs := srv.logText()
	for _, phi := range phiTexts {
		if strings.Contains(logs, phi) {
			t.Errorf("the server logged %q", phi)
		}
	}
	t.Logf("%d writes acknowledged across a PostgreSQL restart (last id %d), none lost", len(acked), latest)
}

// TestServeTLS serves from a certificate file: the login page comes over
// HTTPS with HSTS and Secure cookies, and plain HTTP is not answered.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)

	s := &server{done: make(chan struct{})}
	s.cmd = exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--no-fetch", "--data", filepath.Join(dir, "data"), "--tls-cert", certFile, "--tls-key", keyFile)
	stderr, _ := s.cmd.StderrPipe()
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.cmd.Process.Kill(); s.cmd.Wait() })
	sc := bufio.NewScanner(stderr)
	for s.addr == "" && sc.Scan() {
		if m := regexp.MustCompile(`serving on (https://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			s.addr = m[1]
		}
	}
	go io.Copy(io.Discard, stderr)
	if s.addr == "" {
		t.Fatal("the server did not say it serves https")
	}
	pool := x509.NewCertPool()
	cert, _ := x509.ParseCertificate(der)
	pool.AddCert(cert)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(s.addr + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Fatalf("https: %d %v", resp.StatusCode, resp.Header)
	}
	for _, c := range resp.Cookies() {
		if !c.Secure {
			t.Errorf("cookie %s is not Secure over TLS", c.Name)
		}
	}
	plain := strings.Replace(s.addr, "https://", "http://", 1)
	if resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(plain + "/login"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Error("the TLS port answered plain HTTP with a page")
		}
	}
}

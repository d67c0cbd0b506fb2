// Package smtptest is a minimal SMTP server for tests (EHLO, MAIL, RCPT,
// DATA, RSET, NOOP, QUIT, and STARTTLS and AUTH PLAIN when configured)
// that keeps every message it accepts. The service, web and serve tests start one on loopback and
// read what was delivered. Only tests import it.
package smtptest

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
)

// Message is one delivered message.
type Message struct {
	From string
	To   []string
	Data string // the message text as received, dot-unstuffed, CRLF line ends
	TLS  bool   // it came over STARTTLS
	User string // the AUTH user, "" without AUTH
}

// Server is a running test SMTP server.
type Server struct {
	Addr string // host:port
	ln   net.Listener
	mu   sync.Mutex
	msgs []Message
	// Reject, if set, is called with each RCPT address; a non-zero code
	// refuses it with that code (e.g. 550).
	Reject func(rcpt string) int
	// TLS, if set, makes the server offer STARTTLS with it; Users, if
	// set, makes it offer AUTH PLAIN for these users and passwords. Set
	// them before the first client connects.
	TLS   *tls.Config
	Users map[string]string
	wg    sync.WaitGroup
}

// Start starts a server on 127.0.0.1, closed when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), ln: ln}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

// Messages returns the messages delivered so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.session(c)
		}()
	}
}

func (s *Server) session(nc net.Conn) {
	defer func() { nc.Close() }()
	c := textproto.NewConn(nc)
	c.PrintfLine("220 localhost smtptest")
	var cur Message
	secure, user := false, ""
	for {
		line, err := c.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			c.PrintfLine("250-localhost")
			if s.TLS != nil && !secure {
				c.PrintfLine("250-STARTTLS")
			}
			if s.Users != nil {
				c.PrintfLine("250-AUTH PLAIN")
			}
			c.PrintfLine("250 8BITMIME")
		case "STARTTLS":
			if s.TLS == nil || secure {
				c.PrintfLine("502 not offered")
				continue
			}
			c.PrintfLine("220 go ahead")
			tc := tls.Server(nc, s.TLS)
			if err := tc.Handshake(); err != nil {
				return
			}
			nc, c, secure, cur = tc, textproto.NewConn(tc), true, Message{}
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			raw, err := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(raw), "\x00")
			if s.Users == nil || !strings.EqualFold(mech, "PLAIN") || err != nil || len(parts) != 3 || s.Users[parts[1]] == "" || s.Users[parts[1]] != parts[2] {
				c.PrintfLine("535 5.7.8 authentication failed")
				continue
			}
			user = parts[1]
			c.PrintfLine("235 ok")
		case "MAIL":
			if s.Users != nil && user == "" {
				c.PrintfLine("530 5.7.0 authentication required")
				continue
			}
			cur = Message{From: addr(arg), TLS: secure, User: user}
			c.PrintfLine("250 ok")
		case "RCPT":
			a := addr(arg)
			if s.Reject != nil {
				if code := s.Reject(a); code != 0 {
					c.PrintfLine("%d 5.1.1 <%s>: recipient rejected", code, a)
					continue
				}
			}
			cur.To = append(cur.To, a)
			c.PrintfLine("250 ok")
		case "DATA":
			c.PrintfLine("354 go ahead")
			data, err := readDot(c.R)
			if err != nil {
				return
			}
			cur.Data = data
			s.mu.Lock()
			s.msgs = append(s.msgs, cur)
			s.mu.Unlock()
			cur = Message{From: "", TLS: secure, User: user}
			c.PrintfLine("250 queued")
		case "RSET":
			cur = Message{TLS: secure, User: user}
			c.PrintfLine("250 ok")
		case "NOOP":
			c.PrintfLine("250 ok")
		case "QUIT":
			c.PrintfLine("221 bye")
			return
		default:
			c.PrintfLine("502 not implemented")
		}
	}
}

// readDot reads a DATA body up to the line ".", undoing dot-stuffing and
// keeping CRLF line ends.
func readDot(r *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		if line == ".\r\n" || line == ".\n" {
			return b.String(), nil
		}
		b.WriteString(strings.TrimPrefix(line, "."))
	}
}

// addr takes the address out of "FROM:<a@b>" or "TO:<a@b> …".
func addr(arg string) string {
	if i := strings.IndexByte(arg, '<'); i >= 0 {
		if j := strings.IndexByte(arg[i:], '>'); j > 0 {
			return arg[i+1 : i+j]
		}
	}
	_, a, _ := strings.Cut(arg, ":")
	return strings.TrimSpace(a)
}

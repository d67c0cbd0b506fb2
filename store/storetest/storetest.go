// Package storetest gives tests of packages above the store (service,
// web, cmd/chaperone) a fresh, empty database on each backend: a SQLite
// file in the test's temporary directory, or a PostgreSQL database of its
// own, dropped when the test ends.
//
// The PostgreSQL server is $CHAPERONE_TEST_POSTGRES, by default the local
// one (postgres://postgres@127.0.0.1:5432/postgres). If it cannot be
// reached, PostgreSQL tests are skipped, unless CHAPERONE_REQUIRE_POSTGRES=1
// (as in CI), when they fail. Only tests import this package.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// Backends are the databases every store-backed test runs on.
var Backends = []string{"sqlite", "postgres"}

// DefaultPostgres is the PostgreSQL server tests use by default.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

var (
	pgOnce  sync.Once
	pgAdmin *sql.DB
	pgURL   *url.URL
	pgErr   error
)

// admin returns the connection that creates and drops test databases, or
// skips (or fails, in CI) the test when PostgreSQL cannot be reached.
func admin(t testing.TB) (*sql.DB, *url.URL) {
	t.Helper()
	pgOnce.Do(func() {
		dsn := os.Getenv("CHAPERONE_TEST_POSTGRES")
		if dsn == "" {
			dsn = DefaultPostgres
		}
		if pgURL, pgErr = url.Parse(dsn); pgErr != nil {
			return
		}
		if pgAdmin, pgErr = sql.Open("pgx", dsn); pgErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		pgErr = pgAdmin.PingContext(ctx)
	})
	if pgErr != nil {
		shown := "(bad URL)"
		if pgURL != nil {
			shown = pgURL.Redacted()
		}
		msg := fmt.Sprintf("PostgreSQL at %s cannot be reached (%v); set CHAPERONE_TEST_POSTGRES to a reachable server", shown, pgErr)
		if os.Getenv("CHAPERONE_REQUIRE_POSTGRES") == "1" {
			t.Fatal(msg + " (CHAPERONE_REQUIRE_POSTGRES=1)")
		}
		t.Skip(msg)
	}
	return pgAdmin, pgURL
}

// DSN returns the DSN of a new, empty database on backend ("sqlite" or
// "postgres"), removed when the test ends.
func DSN(t testing.TB, backend string) string {
	t.Helper()
	if backend == "sqlite" {
		return filepath.Join(t.TempDir(), "chaperone.db")
	}
	db, u := admin(t)
	b := make([]byte, 6)
	rand.Read(b)
	name := "chaperone_test_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("creating the test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping the test database: %v", err)
		}
	})
	du := *u
	du.Path = "/" + name
	return du.String()
}

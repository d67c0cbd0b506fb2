package service

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/detect"
	"github.com/chaperone-project/chaperone/report"
	"github.com/chaperone-project/chaperone/store"
	"github.com/chaperone-project/chaperone/store/storetest"
)

var (
	engOnce sync.Once
	eng     *detect.Engine
	engErr  error
)

func engine(t *testing.T) *detect.Engine {
	t.Helper()
	engOnce.Do(func() { eng, engErr = detect.New() })
	if engErr != nil {
		t.Fatal(engErr)
	}
	return eng
}

// world is an org with a user of every role, and a second org.
type world struct {
	svc                                   *Service
	st                                    *store.Store
	clinician, clinician2, reviewer, comp chaperone.User
	admin, outsider                       chaperone.User
	proAccount, personalAccount           chaperone.SocialAccount
}

func backends(t *testing.T, fn func(t *testing.T, w *world)) {
	backendsWith(t, Config{}, fn)
}

// backendsWith is backends with a service built with cfg.
func backendsWith(t *testing.T, cfg Config, fn func(t *testing.T, w *world)) {
	for _, b := range storetest.Backends {
		t.Run(b, func(t *testing.T) {
			key := make([]byte, store.KeySize)
			rand.Read(key)
			st, err := store.Open(context.Background(), storetest.DSN(t, b), store.Options{Key: key})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			fn(t, newWorld(t, st, New(st, engine(t), cfg)))
		})
	}
}

func newWorld(t *testing.T, st *store.Store, svc *Service) *world {
	t.Helper()
	ctx := context.Background()
	org, err := st.CreateOrg(ctx, store.System, "clinic", "Harbor Family Medicine")
	if err != nil {
		t.Fatal(err)
	}
	other, err := st.CreateOrg(ctx, store.System, "other", "Other Clinic")
	if err != nil {
		t.Fatal(err)
	}
	add := func(orgID int64, email, name string, role chaperone.Role) chaperone.User {
		u, pw, err := CreateUser(ctx, st, store.System, orgID, email, name, role)
		if err != nil || len(pw) < 16 {
			t.Fatalf("CreateUser %s: %v (password %d chars)", email, err, len(pw))
		}
		return u
	}
	w := &world{svc: svc, st: st,
		clinician:  add(org.ID, "ana@example.org", "Dr. Ana Ruiz", chaperone.RoleClinician),
		clinician2: add(org.ID, "ben@example.org", "Dr. Ben Ode", chaperone.RoleClinician),
		reviewer:   add(org.ID, "rae@example.org", "Rae Kim", chaperone.RoleReviewer),
		comp:       add(org.ID, "cora@example.org", "Cora Diaz", chaperone.RoleCompliance),
		admin:      add(org.ID, "root@example.org", "Adam Min", chaperone.RoleAdmin),
		outsider:   add(other.ID, "eve@example.org", "Eve Out", chaperone.RoleCompliance),
	}
	if w.proAccount, err = svc.AddAccount(ctx, w.clinician, chaperone.SocialAccount{Platform: "Mastodon", Handle: "@druiz@med.social", Kind: chaperone.AccountProfessional}); err != nil {
		t.Fatal(err)
	}
	if w.personalAccount, err = svc.AddAccount(ctx, w.clinician, chaperone.SocialAccount{Platform: "instagram", Handle: "ana.r", Kind: chaperone.AccountPersonal}); err != nil {
		t.Fatal(err)
	}
	return w
}

func wantCode(t *testing.T, err error, code chaperone.ErrorCode) {
	t.Helper()
	if chaperone.CodeOf(err) != code {
		t.Fatalf("error %v (code %q), want code %q", err, chaperone.CodeOf(err), code)
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

const phiPost = "Discharged Mrs. Siobhan O'Connell home on 14 March, MRN 0048-2913. What a fighter!"

func actions(t *testing.T, st *store.Store) []chaperone.AuditAction {
	t.Helper()
	evs, err := st.ListAudit(context.Background(), store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []chaperone.AuditAction
	for _, e := range evs {
		out = append(out, e.Action)
	}
	return out
}

func hasAll(have []chaperone.AuditAction, want ...chaperone.AuditAction) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}

func TestBlockedDraftIsEditedOrOverridden(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		d := must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{AccountID: w.proAccount.ID, Text: phiPost}))
		v := must[DraftView](t)(w.svc.View(ctx, w.clinician, d.ID))
		if v.Screen.Decision != chaperone.Block || v.Rewrite == "" || strings.Contains(v.Rewrite, "O'Connell") {
			t.Fatalf("screen %s, rewrite %q", v.Screen.Decision, v.Rewrite)
		}
		d, out, err := w.svc.Submit(ctx, w.clinician, d.ID)
		if err != nil || d.Status != chaperone.DraftBlocked || out.Decision != chaperone.Block {
			t.Fatalf("submit: %v, status %s, route %s", err, d.Status, out.Decision)
		}
		// nobody but compliance overrides, never the author, never without a reason
		_, err = w.svc.Override(ctx, w.reviewer, d.ID, "The patient gave written consent on file.")
		wantCode(t, err, chaperone.ErrForbidden)
		_, err = w.svc.Override(ctx, w.comp, d.ID, "ok")
		wantCode(t, err, chaperone.ErrInvalid)
		_, err = w.svc.Override(ctx, w.outsider, d.ID, "The patient gave written consent on file.")
		wantCode(t, err, chaperone.ErrNotFound)
		_, err = w.svc.Publish(ctx, w.clinician, d.ID, "https://med.social/@druiz/1")
		wantCode(t, err, chaperone.ErrConflict)

		d = must[chaperone.Draft](t)(w.svc.Override(ctx, w.comp, d.ID, "The patient gave written consent, form 2026-031 on file."))
		if d.Status != chaperone.DraftOverridden {
			t.Fatalf("status %s after override", d.Status)
		}
		_, err = w.svc.Publish(ctx, w.clinician2, d.ID, "https://med.social/@druiz/1")
		wantCode(t, err, chaperone.ErrNotFound) // another clinician cannot even see it
		item := must[chaperone.ArchiveItem](t)(w.svc.Publish(ctx, w.clinician, d.ID, "https://med.social/@druiz/1"))
		if item.Text != phiPost || item.RetainUntil.Sub(item.PublishedAt) != DefaultRetention {
			t.Fatalf("archived %+v", item)
		}
		var chain []Step
		if err := json.Unmarshal(item.ApprovalChain, &chain); err != nil {
			t.Fatal(err)
		}
		kinds := []string{}
		for _, s := range chain {
			kinds = append(kinds, s.Kind)
		}
		if strings.Join(kinds, ",") != "screen,override,publish" || chain[1].Actor != "Cora Diaz" {
			t.Fatalf("chain %+v", chain)
		}
		if bytes.Contains(item.ApprovalChain, []byte("consent, form")) {
			t.Error("the approval chain (stored in clear) holds the override's comment")
		}
		if !hasAll(actions(t, w.st), chaperone.ActionDraftCreate, chaperone.ActionDraftScreen, chaperone.ActionDraftBlock,
			chaperone.ActionDraftOverride, chaperone.ActionDraftPublish, chaperone.ActionArchiveInsert, chaperone.ActionPHIView) {
			t.Errorf("audit actions %v", actions(t, w.st))
		}
		rep, err := w.st.Verify(ctx)
		if err != nil || rep.Problem != nil {
			t.Fatalf("verify: %v %v", err, rep.Problem)
		}
	})
}

func TestReviewRoundTrip(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		// the default policy sends every review reply to review
		d := must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{Channel: chaperone.ChannelReviewReply,
			Context: "Waited two hours and nobody said sorry.", Text: "Thank you for the feedback. Please call our office manager so we can learn more."}))
		d, out, err := w.svc.Submit(ctx, w.clinician, d.ID)
		if err != nil || d.Status != chaperone.DraftInReview || len(out.Matches) == 0 || out.Matches[0].Route != "review-replies-read-twice" {
			t.Fatalf("submit: %v, %s, %+v", err, d.Status, out)
		}
		q := must[[]chaperone.Draft](t)(w.svc.Queue(ctx, w.reviewer))
		if len(q) != 1 || q[0].ID != d.ID {
			t.Fatalf("queue %+v", q)
		}
		_, err = w.svc.Queue(ctx, w.clinician)
		wantCode(t, err, chaperone.ErrForbidden)
		_, err = w.svc.Review(ctx, w.clinician2, d.ID, chaperone.ReviewApprove, "")
		wantCode(t, err, chaperone.ErrNotFound) // clinicians see only their own drafts
		_, err = w.svc.Review(ctx, w.reviewer, d.ID, chaperone.ReviewRequestChanges, " ")
		wantCode(t, err, chaperone.ErrInvalid)
		d = must[chaperone.Draft](t)(w.svc.Review(ctx, w.reviewer, d.ID, chaperone.ReviewRequestChanges, "Add our phone number, please."))
		if d.Status != chaperone.DraftChangesRequested {
			t.Fatalf("status %s", d.Status)
		}
		_, err = w.svc.Edit(ctx, w.reviewer, d.ID, "x", "")
		wantCode(t, err, chaperone.ErrForbidden)
		d = must[chaperone.Draft](t)(w.svc.Edit(ctx, w.clinician, d.ID, "Thank you for the feedback. Please call our office manager at the front desk.", "Waited two hours and nobody said sorry."))
		if d.Status != chaperone.DraftDraft || d.Version != 2 {
			t.Fatalf("after edit: %s v%d", d.Status, d.Version)
		}
		if d, _, err = w.svc.Submit(ctx, w.clinician, d.ID); err != nil {
			t.Fatal(err)
		}
		if d.Status != chaperone.DraftInReview {
			t.Fatalf("status %s", d.Status)
		}
		// the author of a draft never approves it, whatever the role
		own := must[chaperone.Draft](t)(w.svc.Create(ctx, w.reviewer, Compose{Text: "Flu shots are in: book at the front desk."}))
		_, err = w.svc.Review(ctx, w.reviewer, own.ID, chaperone.ReviewApprove, "")
		wantCode(t, err, chaperone.ErrForbidden)

		d = must[chaperone.Draft](t)(w.svc.Review(ctx, w.comp, d.ID, chaperone.ReviewApprove, ""))
		if d.Status != chaperone.DraftApproved {
			t.Fatalf("status %s", d.Status)
		}
		_, err = w.svc.Review(ctx, w.reviewer, d.ID, chaperone.ReviewReject, "late")
		wantCode(t, err, chaperone.ErrConflict)
		vs := must[[]chaperone.DraftVersion](t)(w.st.ListVersions(ctx, d.ID))
		if len(vs) != 2 || vs[0].Text == vs[1].Text {
			t.Fatalf("versions %d", len(vs))
		}
		v := must[DraftView](t)(w.svc.View(ctx, w.clinician, d.ID))
		if len(v.Reviews) != 2 || v.Reviews[0].Comment != "Add our phone number, please." {
			t.Fatalf("reviews %+v", v.Reviews)
		}
	})
}

func TestAllowedDraftPublishesThroughConnector(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		conn := &fakeConnector{}
		w.svc.connectors["mastodon"] = conn
		d := must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{AccountID: w.proAccount.ID, Text: "Flu shots are in: book at the front desk."}))
		d, _, err := w.svc.Submit(ctx, w.clinician, d.ID)
		if err != nil || d.Status != chaperone.DraftApproved {
			t.Fatalf("submit: %v %s", err, d.Status)
		}
		item := must[chaperone.ArchiveItem](t)(w.svc.Publish(ctx, w.clinician, d.ID, ""))
		if item.PublishedURL != "https://med.social/@druiz/101" || conn.calls != 1 || conn.last.IdempotencyKey == "" || conn.last.Handle != "@druiz@med.social" {
			t.Fatalf("published %q after %d calls (%+v)", item.PublishedURL, conn.calls, conn.last)
		}
		_, err = w.svc.Publish(ctx, w.clinician, d.ID, "")
		wantCode(t, err, chaperone.ErrConflict) // published once only

		d2 := must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{Text: "Flu shots are in: book at the front desk."}))
		w.svc.Submit(ctx, w.clinician, d2.ID)
		_, err = w.svc.Publish(ctx, w.clinician, d2.ID, "")
		wantCode(t, err, chaperone.ErrInvalid) // no account, no URL
		_, err = w.svc.Publish(ctx, w.clinician, d2.ID, "javascript:alert(1)")
		wantCode(t, err, chaperone.ErrInvalid)
	})
}

func TestPolicyOnPersonalAccount(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		d := must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{AccountID: w.personalAccount.ID,
			Text: "Had a patient today who came in with chest pain after shoveling snow; so glad he listened."}))
		v := must[DraftView](t)(w.svc.View(ctx, w.clinician, d.ID))
		if !v.Screen.Result.Has(chaperone.FindingPatientStory) {
			t.Skipf("the engine did not find the story (%v); nothing to route", v.Screen.Result.Findings)
		}
		d, out, err := w.svc.Submit(ctx, w.clinician, d.ID)
		if err != nil || d.Status != chaperone.DraftBlocked || out.Screen != chaperone.Review {
			t.Fatalf("submit: %v %s %+v", err, d.Status, out)
		}
	})
}

func TestComposeValidation(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		cases := []struct {
			name string
			u    chaperone.User
			c    Compose
			code chaperone.ErrorCode
		}{
			{"empty", w.clinician, Compose{Text: "  "}, chaperone.ErrInvalid},
			{"bad channel", w.clinician, Compose{Channel: "fax", Text: "hi"}, chaperone.ErrInvalid},
			{"someone else's account", w.clinician2, Compose{AccountID: w.proAccount.ID, Text: "hi"}, chaperone.ErrInvalid},
			{"context on a post", w.clinician, Compose{Text: "hi", Context: "a review"}, chaperone.ErrInvalid},
			{"invalid UTF-8", w.clinician, Compose{Text: "hi \xff"}, chaperone.ErrInvalid},
			{"too large", w.clinician, Compose{Text: strings.Repeat("a", store.MaxTextBytes+1)}, chaperone.ErrTooLarge},
			{"disabled user", chaperone.User{ID: w.clinician.ID, OrgID: w.clinician.OrgID, Role: chaperone.RoleClinician, Disabled: true}, Compose{Text: "hi"}, chaperone.ErrForbidden},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := w.svc.Create(ctx, c.u, c.c)
				wantCode(t, err, c.code)
				if err != nil && strings.Contains(err.Error(), "hi \xff") {
					t.Error("the error quotes the text")
				}
			})
		}
		drafts := must[[]chaperone.Draft](t)(w.svc.Mine(ctx, w.clinician))
		if len(drafts) != 0 {
			t.Fatalf("%d drafts stored by failed creates", len(drafts))
		}
	})
}

func TestArchiveAccessAndEvidence(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		d := must[chaperone.Draft](t)(w.svc.Create(ctx, w.clinician, Compose{Text: "Flu shots are in: book at the front desk."}))
		w.svc.Submit(ctx, w.clinician, d.ID)
		item := must[chaperone.ArchiveItem](t)(w.svc.Publish(ctx, w.clinician, d.ID, "https://example.org/p/1"))

		_, err := w.svc.Archive(ctx, w.clinician, item.PublishedAt, item.PublishedAt.Add(1))
		wantCode(t, err, chaperone.ErrForbidden)
		if _, err := w.svc.ArchivedItem(ctx, w.clinician, item.ID); err != nil {
			t.Fatalf("the author reads their archived item: %v", err)
		}
		_, err = w.svc.ArchivedItem(ctx, w.clinician2, item.ID)
		wantCode(t, err, chaperone.ErrNotFound)
		_, err = w.svc.ArchivedItem(ctx, w.outsider, item.ID)
		wantCode(t, err, chaperone.ErrNotFound)
		err = w.svc.SetHold(ctx, w.admin, item.ID, true)
		wantCode(t, err, chaperone.ErrForbidden)
		if err := w.svc.SetHold(ctx, w.comp, item.ID, true); err != nil {
			t.Fatal(err)
		}
		items := must[[]chaperone.ArchiveItem](t)(w.svc.Archive(ctx, w.comp, item.PublishedAt.Add(-time.Second), item.PublishedAt.Add(time.Second)))
		if len(items) != 1 || !items[0].LegalHold {
			t.Fatalf("archive %+v", items)
		}

		ev := must[report.Evidence](t)(w.svc.Evidence(ctx, w.comp, nil, item.PublishedAt.Add(-time.Second), item.PublishedAt.Add(time.Second)))
		if len(ev.Items) != 1 || ev.Org != "Harbor Family Medicine" || ev.AuditHead == 0 || !strings.Contains(ev.Items[0].Author, "Ana Ruiz") {
			t.Fatalf("evidence %+v", ev)
		}
		var html, pdf, js bytes.Buffer
		if err := report.EvidenceHTML(&html, ev); err != nil {
			t.Fatal(err)
		}
		if err := report.EvidencePDF(&pdf, ev); err != nil {
			t.Fatal(err)
		}
		if err := report.EvidenceJSON(&js, ev); err != nil {
			t.Fatal(err)
		}
		for name, b := range map[string]string{"html": html.String(), "json": js.String()} {
			if !strings.Contains(b, "Flu shots are in") || !strings.Contains(b, "https://example.org/p/1") {
				t.Errorf("%s evidence lacks the item", name)
			}
		}
		if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) || pdf.Len() < 1000 {
			t.Errorf("PDF evidence is %d bytes", pdf.Len())
		}
		if !hasAll(actions(t, w.st), chaperone.ActionArchiveExport, chaperone.ActionArchiveHold) {
			t.Errorf("audit %v", actions(t, w.st))
		}
		_, err = w.svc.Evidence(ctx, w.clinician, nil, item.PublishedAt, item.PublishedAt)
		wantCode(t, err, chaperone.ErrForbidden)
	})
}

func TestScreenIsAuditedWithoutText(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		res := must[chaperone.Result](t)(w.svc.Screen(ctx, w.clinician, chaperone.Item{Text: phiPost}))
		if res.Decision != chaperone.Block {
			t.Fatalf("decision %s", res.Decision)
		}
		evs := must[[]chaperone.AuditEvent](t)(w.st.ListAudit(ctx, store.AuditFilter{}))
		last := evs[len(evs)-1]
		if last.Action != chaperone.ActionScreen || last.ActorID != w.clinician.ID {
			t.Fatalf("last event %+v", last)
		}
		for _, e := range evs {
			if bytes.Contains(e.Details, []byte("O'Connell")) || bytes.Contains(e.Details, []byte("0048")) {
				t.Fatalf("event %d holds screened text", e.Seq)
			}
		}
	})
}

type fakeConnector struct {
	calls int
	last  chaperone.Publication
}

func (c *fakeConnector) Platform() string { return "mastodon" }

func (c *fakeConnector) Publish(_ context.Context, p chaperone.Publication) (chaperone.Published, error) {
	c.calls++
	c.last = p
	if p.Text == "" {
		return chaperone.Published{}, errors.New("empty")
	}
	return chaperone.Published{URL: "https://med.social/@druiz/101"}, nil
}

func TestDisableUser(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		tok, _, err := w.st.CreateAPIToken(ctx, store.System, w.clinician2.ID, "cli", 0)
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, w.svc.DisableUser(ctx, w.comp, w.clinician2.ID), chaperone.ErrForbidden)
		wantCode(t, w.svc.DisableUser(ctx, w.admin, w.admin.ID), chaperone.ErrInvalid)
		wantCode(t, w.svc.DisableUser(ctx, w.admin, w.outsider.ID), chaperone.ErrNotFound)
		if err := w.svc.DisableUser(ctx, w.admin, w.clinician2.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, w.svc.DisableUser(ctx, w.admin, w.clinician2.ID), chaperone.ErrConflict)
		if _, err := w.st.LookupAPIToken(ctx, tok); err == nil {
			t.Error("a disabled user's API token still works")
		}
		u := must[chaperone.User](t)(w.st.GetUser(ctx, w.clinician2.ID))
		_, err = w.svc.Create(ctx, u, Compose{Text: "hello"})
		wantCode(t, err, chaperone.ErrForbidden)
		accts := must[[]chaperone.SocialAccount](t)(w.svc.OrgAccounts(ctx, w.comp))
		if len(accts) != 2 {
			t.Fatalf("org accounts %d", len(accts))
		}
		_, err = w.svc.OrgAccounts(ctx, w.clinician)
		wantCode(t, err, chaperone.ErrForbidden)
	})
}

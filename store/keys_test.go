package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/review"
)

// sealedData is what rotation tests write and read back.
type sealedData struct {
	versions map[string]chaperone.DraftVersion // by "draft/version"
	reviews  map[int64]string                  // comment by review id
	archive  map[int64]chaperone.ArchiveItem
	consents map[int64]chaperone.Consent
	reviews2 int // patient reviews imported
	reports  map[int64]chaperone.ColleagueReport
	incident map[int64]chaperone.BreachIncident
	images   map[int64]chaperone.DraftImage
	posts    int               // published posts imported
	visits   map[string]string // review requests' addresses → names
	values   int64             // encrypted values written
}

// writeSealed writes drafts (several versions), reviews and archive
// items through s, each text distinct and naming a patient.
func writeSealed(t *testing.T, s *Store, f fixture) sealedData {
	t.Helper()
	ctx := context.Background()
	d := sealedData{versions: map[string]chaperone.DraftVersion{}, reviews: map[int64]string{}, archive: map[int64]chaperone.ArchiveItem{},
		consents: map[int64]chaperone.Consent{}, reports: map[int64]chaperone.ColleagueReport{}, incident: map[int64]chaperone.BreachIncident{},
		images: map[int64]chaperone.DraftImage{}}
	var drafts []chaperone.Draft
	for i := range 4 {
		dr, err := s.CreateDraft(ctx, as(f.clinician), NewDraft{OrgID: f.org.ID, AuthorID: f.clinician.ID, Channel: chaperone.ChannelReviewReply,
			Text: fmt.Sprintf("Mrs. O'Connell, bed %d, v1", i), Context: fmt.Sprintf("review %d by Jessica Mbeki", i)})
		if err != nil {
			t.Fatal(err)
		}
		drafts = append(drafts, dr)
		for v := 2; v <= 1+i%3; v++ {
			if _, err := s.AddVersion(ctx, as(f.clinician), dr.ID, fmt.Sprintf("Mrs. O'Connell, bed %d, v%d", i, v), ""); err != nil {
				t.Fatal(err)
			}
		}
		vs, err := s.ListVersions(ctx, dr.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			d.versions[subject(v.DraftID, int64(v.Version))] = v
			d.values += 2
		}
	}
	for i, dr := range drafts[:3] {
		r, err := s.AddReview(ctx, as(f.reviewer), chaperone.ReviewAction{DraftID: dr.ID, Version: 1, Action: chaperone.ReviewRequestChanges,
			Comment: fmt.Sprintf("Take out Mrs. O'Connell's bed number (%d)", i)})
		if err != nil {
			t.Fatal(err)
		}
		d.reviews[r.ID] = r.Comment
		d.values++
	}
	for i, dr := range drafts[:3] {
		it, err := s.InsertArchiveItem(ctx, as(f.reviewer), chaperone.ArchiveItem{DraftID: dr.ID, PublishedURL: fmt.Sprintf("https://x.example/%d", i),
			PublishedAt: time.Date(2026, 2, i+1, 8, 0, 0, 0, time.UTC), Text: fmt.Sprintf("Published: bed %d is free", i),
			ScreenResult: json.RawMessage(`{"decision":"allow"}`), ApprovalChain: json.RawMessage(`[]`),
			RetainUntil: time.Date(2032, 2, 1, 0, 0, 0, 0, time.UTC), LegalHold: i == 1})
		if err != nil {
			t.Fatal(err)
		}
		d.archive[it.ID] = it
		d.values++
	}
	for i := range 2 {
		c, err := s.CreateConsent(ctx, as(f.clinician), sampleConsent(f.org.ID, time.Date(2026, 1, i+1, 0, 0, 0, 0, time.UTC)),
			[]byte(fmt.Sprintf("%%PDF-1.4 signed by Walter Pruitt, copy %d", i)), "application/pdf")
		if err != nil {
			t.Fatal(err)
		}
		d.consents[c.ID] = c
		d.values += 2
	}
	added, _, err := s.ImportReviews(ctx, as(f.clinician), f.org.ID, []review.Review{
		{Site: "google", ExternalID: "g1", Reviewer: "Jessica Mbeki", Rating: 2, Text: "Waited two hours", CreatedAt: time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC)},
		{Site: "yelp", ExternalID: "y1", Reviewer: "Walter P.", Rating: 5, Text: "Fixed my knee", CreatedAt: time.Date(2026, 1, 4, 0, 0, 0, 0, time.UTC)},
	})
	if err != nil || added != 2 {
		t.Fatalf("reviews: %v %d", err, added)
	}
	d.reviews2 = 2
	d.values += 4
	r, err := s.CreateReport(ctx, as(f.reviewer), chaperone.ColleagueReport{OrgID: f.org.ID, ReporterID: f.reviewer.ID, SubjectID: f.clinician.ID,
		Content: "Dr Ames posted Mrs. O'Connell's X-ray", URL: "https://x.example/ames/1", Deadline: time.Date(2026, 3, 21, 0, 0, 0, 0, time.UTC)},
		pngShot, "image/png")
	if err != nil {
		t.Fatal(err)
	}
	d.reports[r.ID] = r
	d.values += 2
	b, err := s.OpenIncident(ctx, as(f.reviewer), chaperone.BreachIncident{OrgID: f.org.ID, ReportedBy: f.reviewer.ID,
		Description: "Mrs. O'Connell's bed number in a published post", DiscoveredAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	d.incident[b.ID] = b
	d.values++
	img, err := inTx1(ctx, s, func(tx *Tx) (chaperone.DraftImage, error) {
		return tx.AddImage(ctx, as(f.clinician), chaperone.DraftImage{DraftID: drafts[3].ID, Name: "oconnell-wound.png", Format: "png",
			Width: 1, Height: 1, CopyFormat: "png"}, pngShot, append([]byte{}, pngShot...))
	})
	if err != nil {
		t.Fatal(err)
	}
	d.images[img.ID] = img
	d.values += 3
	if _, err := inTx1(ctx, s, func(tx *Tx) (ImportStats, error) {
		return tx.ImportPosts(ctx, as(f.clinician), f.org.ID, f.clinician.ID, []ScreenedPost{
			{Post: chaperone.Post{Source: chaperone.SourceXArchive, ExternalID: "1", Text: "Mrs. O'Connell went home today", Channel: chaperone.ChannelPost},
				Screen: chaperone.Result{Decision: chaperone.Block}},
			{Post: chaperone.Post{Source: chaperone.SourceXArchive, ExternalID: "2", Text: "Flu shots are in", Channel: chaperone.ChannelPost},
				Screen: chaperone.Result{Decision: chaperone.Allow}},
		})
	}); err != nil {
		t.Fatal(err)
	}
	d.posts = 2
	d.values += 2
	d.visits = map[string]string{"walter.pruitt@example.com": "Walter Pruitt", "jm@example.net": ""}
	if added, _, _, err := s.AddReviewRequests(ctx, as(f.clinician), f.org.ID, "import", []review.Visit{
		{Name: "Walter Pruitt", Email: "walter.pruitt@example.com", At: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)},
		{ID: "A-1", Email: "jm@example.net", At: time.Date(2026, 3, 3, 9, 30, 0, 0, time.UTC)},
	}); err != nil || added != 2 {
		t.Fatalf("review requests: %v %d", err, added)
	}
	d.values += 2*2 + 1 // the names and addresses, and the secret of the keyed hashes
	return d
}

// checkSealed fails t unless s reads back every value of d unchanged.
func checkSealed(t *testing.T, s *Store, d sealedData) {
	t.Helper()
	ctx := context.Background()
	for k, want := range d.versions {
		got, err := s.GetVersion(ctx, want.DraftID, want.Version)
		if err != nil || got != want {
			t.Errorf("version %s: got %+v, %v; want %+v", k, got, err, want)
		}
	}
	drafts := map[int64]bool{}
	for _, v := range d.versions {
		drafts[v.DraftID] = true
	}
	comments := map[int64]string{}
	for id := range drafts {
		rs, err := s.ListReviews(ctx, id)
		if err != nil {
			t.Fatalf("ListReviews: %v", err)
		}
		for _, r := range rs {
			comments[r.ID] = r.Comment
		}
	}
	if fmt.Sprint(comments) != fmt.Sprint(d.reviews) {
		t.Errorf("review comments\n got %v\nwant %v", comments, d.reviews)
	}
	if d.reviews2 > 0 {
		prs, err := s.ListPatientReviews(ctx, ReviewFilter{OrgID: 1, Limit: 10})
		if err != nil || len(prs) != d.reviews2 {
			t.Errorf("patient reviews: %v %d", err, len(prs))
		}
		for _, pr := range prs {
			if pr.Reviewer == "" || pr.Text == "" {
				t.Errorf("patient review %d read back empty", pr.ID)
			}
		}
	}
	for id, want := range d.consents {
		got, err := s.GetConsent(ctx, id)
		if err != nil || got.Patient != want.Patient || got.Discloses != want.Discloses || got.DocumentSHA256 != want.DocumentSHA256 {
			t.Errorf("consent %d: got %+v, %v", id, got, err)
		}
		if _, _, err := s.ConsentDocument(ctx, id); err != nil {
			t.Errorf("consent %d document: %v", id, err)
		}
	}
	for id, want := range d.reports {
		got, err := s.GetReport(ctx, id)
		if err != nil || got.Content != want.Content || got.URL != want.URL {
			t.Errorf("report %d: got %+v, %v", id, got, err)
		}
		if shot, _, err := s.ReportScreenshot(ctx, id); err != nil || !bytes.Equal(shot, pngShot) {
			t.Errorf("report %d screenshot: %v", id, err)
		}
	}
	for id, want := range d.incident {
		got, err := s.GetIncident(ctx, id)
		if err != nil || got.Description != want.Description {
			t.Errorf("incident %d: got %+v, %v", id, got, err)
		}
	}
	if ps, err := s.ListPublished(ctx, PostFilter{OrgID: 1}); err != nil || len(ps) != d.posts || ps[0].Text == "" {
		t.Errorf("published posts: %v %d", err, len(ps))
	}
	if d.visits != nil {
		rrs, err := s.ListReviewRequests(ctx, ReviewRequestFilter{OrgID: 1})
		got := map[string]string{}
		for _, rr := range rrs {
			got[rr.Email] = rr.PatientName
		}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(d.visits) {
			t.Errorf("review requests: %v %v, want %v", err, got, d.visits)
		}
	}
	for id, want := range d.images {
		got, err := s.GetImage(ctx, id)
		if err != nil || got.Name != want.Name || got.SHA256 != want.SHA256 {
			t.Errorf("image %d: got %+v, %v", id, got, err)
		}
		for _, which := range []ImageFile{ImageOriginal, ImageCopy} {
			if b, err := s.ReadImage(ctx, id, which); err != nil || !bytes.Equal(b, pngShot) {
				t.Errorf("image %d %s: %v", id, which, err)
			}
		}
	}
	for id, want := range d.archive {
		got, err := s.GetArchiveItem(ctx, id)
		if err != nil || got.Text != want.Text || got.LegalHold != want.LegalHold || got.RetainUntil != want.RetainUntil ||
			got.PublishedURL != want.PublishedURL || string(got.ScreenResult) != string(want.ScreenResult) {
			t.Errorf("archive item %d: got %+v, %v; want %+v", id, got, err, want)
		}
	}
}

// keyIDs returns the key id of every encrypted value, as stored.
func keyIDs(t *testing.T, e *tenv) map[byte]int64 {
	t.Helper()
	out := map[byte]int64{}
	for _, b := range rawBlobs(t, e, `SELECT text_enc FROM draft_versions UNION ALL SELECT context_enc FROM draft_versions
		UNION ALL SELECT comment_enc FROM review_actions UNION ALL SELECT text_enc FROM archive_items
		UNION ALL SELECT details_enc FROM consents UNION ALL SELECT doc_enc FROM consents
		UNION ALL SELECT reviewer_enc FROM patient_reviews UNION ALL SELECT text_enc FROM patient_reviews
		UNION ALL SELECT details_enc FROM colleague_reports UNION ALL SELECT screenshot_enc FROM colleague_reports
		UNION ALL SELECT details_enc FROM breach_incidents UNION ALL SELECT name_enc FROM draft_images
		UNION ALL SELECT original_enc FROM draft_images UNION ALL SELECT copy_enc FROM draft_images
		UNION ALL SELECT text_enc FROM published_posts UNION ALL SELECT name_enc FROM review_requests
		UNION ALL SELECT email_enc FROM review_requests UNION ALL SELECT value_enc FROM store_secrets`) {
		out[b[1]]++
	}
	return out
}

func TestKeyRotationResumesAndReadsBack(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		data := writeSealed(t, e.Store, f)
		total := data.values
		if total != 2*int64(len(data.versions))+3+3+4+4+2+1+3+2+5 || len(data.versions) != 7 {
			t.Fatalf("wrote %d values in %d versions", total, len(data.versions))
		}
		usage, err := e.KeyUsage(ctx)
		if err != nil || fmt.Sprint(usage) != fmt.Sprintf("map[1:%d]", total) {
			t.Fatalf("KeyUsage before rotation: %v, %v; want all %d under key 1", usage, err, total)
		}

		ring1, err := NewKeyring(1, map[byte][]byte{1: e.key})
		if err != nil {
			t.Fatal(err)
		}
		ring2, err := ring1.Rotated()
		if err != nil || ring2.Current() != 2 || fmt.Sprint(ring2.IDs()) != "[1 2]" || ring1.Current() != 1 {
			t.Fatalf("Rotated: %v %v %v", ring2, err, ring1.Current())
		}
		s2 := e.open(t, Options{Keys: ring2, Now: e.clock.Now})
		checkSealed(t, s2, data) // the old key still decrypts

		// Interrupted after the first batch of 3 rows (6 values).
		seq0, _, _ := s2.Head(ctx)
		cctx, cancel := context.WithCancel(ctx)
		var batches []ReencryptBatch
		rep, err := s2.Reencrypt(cctx, System, ReencryptOptions{BatchSize: 3, AfterBatch: func(b ReencryptBatch) {
			batches = append(batches, b)
			cancel()
		}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Reencrypt with a cancelled context: %v", err)
		}
		if rep.Batches != 1 || rep.Rows != 3 || rep.Values != 6 || fmt.Sprint(rep.FromKeys) != "map[1:6]" || len(batches) != 1 ||
			batches[0].Table != "draft_versions" || batches[0].ToKey != 2 {
			t.Fatalf("interrupted rotation: %+v, batches %+v", rep, batches)
		}
		if got := keyIDs(t, e); fmt.Sprint(got) != fmt.Sprintf("map[1:%d 2:6]", total-6) {
			t.Errorf("stored key ids after one batch: %v", got)
		}
		if usage, err := s2.KeyUsage(ctx); err != nil || usage[1] != total-6 || usage[2] != 6 || len(usage) != 2 {
			t.Errorf("KeyUsage after one batch: %v, %v", usage, err)
		}
		ev := lastEvent(t, s2)
		if ev.Seq != seq0+1 || ev.Action != chaperone.ActionKeyRotate || ev.SubjectKind != "key" || ev.SubjectID != "2" || ev.OrgID != 0 ||
			string(ev.Details) != `{"from_keys":{"1":6},"rows":3,"step":"reencrypt","table":"draft_versions","to_key":2,"values":6}` {
			t.Errorf("batch event %+v %s", ev, ev.Details)
		}
		// Old keys cannot be dropped yet.
		err = s2.InTx(ctx, func(tx *Tx) error { return tx.CheckKeysUnused(ctx, 1) })
		wantCode(t, err, chaperone.ErrConflict)
		if !strings.Contains(err.Error(), fmt.Sprintf("key 1 still encrypts %d values", total-6)) {
			t.Errorf("drop refusal: %v", err)
		}
		checkSealed(t, s2, data) // half-way, everything reads

		// Resume: the rest, skipping what is done.
		rep, err = s2.Reencrypt(ctx, System, ReencryptOptions{BatchSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		// 4 draft_versions rows left (2 batches), 3 reviews (1), 3 archive items (1), 2 patient reviews (1), 2 consents (1),
		// 1 colleague report (1), 1 breach incident (1), 2 published posts (1), 1 draft image (1),
		// 2 review requests (1), 1 store secret (1).
		if rep.Values != total-6 || rep.Rows != 4+3+3+2+2+1+1+2+1+2+1 || rep.Batches != 12 || fmt.Sprint(rep.FromKeys) != fmt.Sprintf("map[1:%d]", total-6) ||
			rep.Remaining != nil || rep.ToKey != 2 {
			t.Errorf("resumed rotation: %+v", rep)
		}
		if got := keyIDs(t, e); fmt.Sprint(got) != fmt.Sprintf("map[2:%d]", total) {
			t.Errorf("stored key ids after rotation: %v", got)
		}
		if usage, err := s2.KeyUsage(ctx); err != nil || fmt.Sprint(usage) != fmt.Sprintf("map[2:%d]", total) {
			t.Errorf("KeyUsage after rotation: %v, %v", usage, err)
		}
		if err := s2.InTx(ctx, func(tx *Tx) error { return tx.CheckKeysUnused(ctx, 1) }); err != nil {
			t.Errorf("key 1 unused after rotation, yet: %v", err)
		}
		checkSealed(t, s2, data)

		// Only the new key is needed now; the old one alone reads nothing.
		only2, err := ring2.Without(1)
		if err != nil || fmt.Sprint(only2.IDs()) != "[2]" {
			t.Fatalf("Without: %v, %v", only2, err)
		}
		checkSealed(t, e.open(t, Options{Keys: only2}), data)
		_, err = e.GetVersion(ctx, 1, 1) // e.Store has key 1 only
		if !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), "written with key id 2, which is not in the keyring (key ids 1)") ||
			strings.Contains(err.Error(), "O'Connell") {
			t.Errorf("old keyring on rotated data: %v", err)
		}

		// Nothing left: a third run does nothing and writes no event.
		seq1, _, _ := s2.Head(ctx)
		if rep, err := s2.Reencrypt(ctx, System, ReencryptOptions{}); err != nil || rep.Batches != 0 || rep.Values != 0 {
			t.Errorf("third run: %+v, %v", rep, err)
		}
		if seq, _, _ := s2.Head(ctx); seq != seq1 {
			t.Errorf("a run with nothing to do wrote %d events", seq-seq1)
		}

		evs, err := s2.ListAudit(ctx, AuditFilter{AfterSeq: seq0})
		if err != nil || len(evs) != 13 {
			t.Fatalf("rotation events: %d, %v", len(evs), err)
		}
		for _, ev := range evs {
			if ev.Action != chaperone.ActionKeyRotate || containsFold(ev.Details, "O'Connell") || containsFold(ev.Details, "bed") {
				t.Errorf("event %d: %s %s", ev.Seq, ev.Action, ev.Details)
			}
		}
		verifyOK(t, s2)
	})
}

func TestReencryptStopsAtAnUnknownKey(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		writeSealed(t, e.Store, f)
		other := make([]byte, KeySize)
		rand.Read(other)
		ring, _ := NewKeyring(3, map[byte][]byte{3: other}) // lacks key 1
		s := e.open(t, Options{Keys: ring})
		_, err := s.Reencrypt(ctx, System, ReencryptOptions{})
		if !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), "written with key id 1, which is not in the keyring (key ids 3)") ||
			containsFold([]byte(err.Error()), "O'Connell") {
			t.Errorf("Reencrypt without the old key: %v", err)
		}
		if got := keyIDs(t, e); got[3] != 0 {
			t.Errorf("values moved to key 3 anyway: %v", got)
		}
	})
}

func TestEnvironmentKey(t *testing.T) {
	backends(t, func(t *testing.T, e *tenv) {
		ctx := context.Background()
		f := newFixture(t, e)
		data := writeSealed(t, e.Store, f) // under the file's key 1

		// The data directory's key file in the single-key format.
		path := filepath.Join(t.TempDir(), "key")
		if err := os.WriteFile(path, []byte(hex.EncodeToString(e.key)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		file, err := ReadKeyring(path)
		if err != nil || file.Current() != 1 {
			t.Fatalf("ReadKeyring of a single-key file: %v, %v", file, err)
		}
		// $CHAPERONE_KEY=2:BASE64 wins: it encrypts, the file's key decrypts.
		envKey := make([]byte, KeySize)
		rand.Read(envKey)
		id, key, err := ParseKey("2:" + base64.StdEncoding.EncodeToString(envKey))
		if err != nil || id != 2 || !bytes.Equal(key, envKey) {
			t.Fatalf("ParseKey: %d, %v", id, err)
		}
		ring, err := file.WithCurrent(id, key)
		if err != nil || ring.Current() != 2 || fmt.Sprint(ring.IDs()) != "[1 2]" {
			t.Fatalf("WithCurrent: %v, %v", ring, err)
		}
		s := e.open(t, Options{Keys: ring})
		checkSealed(t, s, data)
		d, err := s.CreateDraft(ctx, as(f.clinician), NewDraft{OrgID: f.org.ID, AuthorID: f.clinician.ID, Channel: chaperone.ChannelPost, Text: "written under the env key"})
		if err != nil {
			t.Fatal(err)
		}
		if got := keyIDs(t, e); got[2] != 2 {
			t.Errorf("values under key 2 after one draft: %v", got)
		}
		// Without "ID:" the env key has id 1: here the wrong id, which
		// the error says; under id 2 alone it reads what it wrote.
		id1, k1, err := ParseKey(base64.StdEncoding.EncodeToString(envKey))
		if err != nil || id1 != 1 || !bytes.Equal(k1, envKey) {
			t.Fatalf("ParseKey without an id: %d, %v", id1, err)
		}
		asOne, _ := (*Keyring)(nil).WithCurrent(id1, k1)
		_, err = e.open(t, Options{Keys: asOne}).GetVersion(ctx, d.ID, 1)
		if !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), "written with key id 2, which is not in the keyring (key ids 1)") {
			t.Errorf("env key under the wrong id: %v", err)
		}
		_, err = e.open(t, Options{Keys: asOne}).GetVersion(ctx, 1, 1) // key 1, but not this key 1
		if !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), "key id 1 does not decrypt it") {
			t.Errorf("another key under id 1: %v", err)
		}
		alone, _ := (*Keyring)(nil).WithCurrent(2, k1)
		if v, err := e.open(t, Options{Keys: alone}).GetVersion(ctx, d.ID, 1); err != nil || v.Text != "written under the env key" {
			t.Errorf("env key alone: %+v, %v", v, err)
		}
		// An env key that contradicts the file under the same id.
		if _, err := file.WithCurrent(1, envKey); chaperone.CodeOf(err) != chaperone.ErrInvalid {
			t.Errorf("conflicting key 1 accepted: %v", err)
		}
	})
}

func TestKeyringFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data", "key")
	r1, err := LoadOrCreateKeyring(path)
	if err != nil || r1.Current() != 1 || fmt.Sprint(r1.IDs()) != "[1]" {
		t.Fatalf("LoadOrCreateKeyring: %v, %v", r1, err)
	}
	// A new data directory keeps the single-key format older versions read.
	legacy, err := LoadOrCreateKey(path)
	if err != nil || !bytes.Equal(legacy, r1.keys[1]) {
		t.Fatalf("LoadOrCreateKey on the new file: %v", err)
	}
	r2, err := r1.Rotated()
	if err != nil {
		t.Fatal(err)
	}
	if err := r2.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("keyring file mode %v, %v", st.Mode(), err)
	}
	text, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(text)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "#") || lines[1] != "1 "+base64.StdEncoding.EncodeToString(r1.keys[1]) ||
		!strings.HasPrefix(lines[2], "2 ") {
		t.Errorf("keyring file:\n%s", text)
	}
	back, err := LoadOrCreateKeyring(path)
	if err != nil || back.Current() != 2 || !bytes.Equal(back.keys[1], r1.keys[1]) || !bytes.Equal(back.keys[2], r2.keys[2]) {
		t.Errorf("read back: %v, %v", back, err)
	}
	if _, err := os.Stat(path + ".new"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("temporary file left behind: %v", err)
	}
	// A writer already at work (or one interrupted) blocks another.
	os.WriteFile(path+".new", nil, 0o600)
	if err := r2.WriteFile(path); chaperone.CodeOf(err) != chaperone.ErrConflict {
		t.Errorf("WriteFile with PATH.new present: %v", err)
	}
	os.Remove(path + ".new")

	if r, err := r2.Without(2); err != nil || fmt.Sprint(r.IDs()) != "[1]" || r.Current() != 1 {
		t.Errorf("Without(current): %v, %v", r, err)
	}
	if r, err := r2.Without(1, 2); err != nil || r != nil {
		t.Errorf("Without(every key): %v, %v", r, err)
	}
	if r, err := r2.Without(1); err != nil || fmt.Sprint(r.IDs()) != "[2]" || r.Current() != 2 {
		t.Errorf("Without(1): %v, %v", r, err)
	}
	if _, err := ReadKeyring(filepath.Join(dir, "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}

	b64 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, KeySize))
	bad := []struct {
		name, text, msg string
	}{
		{"empty", "# nothing\n\n", "holds no key"},
		{"short hex", "abcd\n", `want "ID BASE64"`},
		{"id 0", "0 " + b64 + "\n", "key id must be 1 to 255"},
		{"id 256", "256 " + b64 + "\n", "key id must be 1 to 255"},
		{"short key", "1 " + base64.StdEncoding.EncodeToString([]byte("short")) + "\n", "base64 of 32 bytes"},
		{"twice", "1 " + b64 + "\n1 " + b64 + "\n", "key id 1 appears twice"},
		{"three fields", "1 " + b64 + " extra\n", "line 1"},
	}
	for _, tt := range bad {
		p := filepath.Join(dir, tt.name)
		os.WriteFile(p, []byte(tt.text), 0o600)
		_, err := ReadKeyring(p)
		if chaperone.CodeOf(err) != chaperone.ErrInvalid || !strings.Contains(err.Error(), tt.msg) || strings.Contains(err.Error(), b64) {
			t.Errorf("%s: %v; want %q", tt.name, err, tt.msg)
		}
	}
	os.Chmod(path, 0o640)
	if _, err := ReadKeyring(path); chaperone.CodeOf(err) != chaperone.ErrInvalid || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("group-readable keyring: %v", err)
	}

	for _, s := range []string{"", "not base64!", "0:" + b64, "x:" + b64, base64.StdEncoding.EncodeToString(make([]byte, 16))} {
		if _, _, err := ParseKey(s); chaperone.CodeOf(err) != chaperone.ErrInvalid || (len(s) > 4 && strings.Contains(err.Error(), s)) {
			t.Errorf("ParseKey(%q): %v", s, err)
		}
	}
	if id, k, err := ParseKey(" 7:" + b64 + "\n"); err != nil || id != 7 || k[0] != 7 {
		t.Errorf("ParseKey with id: %d %v", id, err)
	}
}

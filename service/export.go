package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/npi"
	"github.com/chaperone-project/chaperone/store"
)

// Table is an export: a header and rows of text, for CSV, and the
// records themselves, for JSON.
type Table struct {
	Kind    string     `json:"kind"`
	Header  []string   `json:"-"`
	Rows    [][]string `json:"-"`
	Records any        `json:"records"`
}

// ExportKinds are the record types Export writes.
var ExportKinds = []string{"consents", "takedowns", "relationships", "attestations", "reviews", "reports", "incidents", "identity"}

// Export returns every record of one kind in the org, for compliance and
// admins, and records the export (with the count, never the contents) in
// the audit log. Consents hold PHI: the export is a PHI view too.
func (s *Service) Export(ctx context.Context, u chaperone.User, kind string) (Table, error) {
	if err := active(u); err != nil {
		return Table{}, err
	}
	if !canAudit(u) {
		return Table{}, forbidden("only compliance and admins export records")
	}
	t := Table{Kind: kind}
	day := stamp
	users, err := s.store.ListUsers(ctx, u.OrgID)
	if err != nil {
		return t, err
	}
	email := map[int64]string{}
	for _, x := range users {
		email[x.ID] = x.Email
	}
	switch kind {
	case "consents":
		cs, err := s.store.ListConsents(ctx, u.OrgID)
		if err != nil {
			return t, err
		}
		t.Header = []string{"id", "patient", "discloses", "disclosed_by", "recipient", "purpose", "expires", "expiry_event", "signed_by", "signed_at",
			"representative", "media", "channels", "document_sha256", "revoked_at", "recorded_by", "recorded_at"}
		for _, c := range cs {
			t.Rows = append(t.Rows, []string{strconv.FormatInt(c.ID, 10), c.Patient, c.Discloses, c.DisclosedBy, c.Recipient, c.Purpose, day(c.Expires),
				c.ExpiryEvent, c.SignedBy, day(c.SignedAt), c.Representative, fmt.Sprint(c.Media), fmt.Sprint(c.Channels), c.DocumentSHA256,
				day(c.RevokedAt), email[c.CreatedBy], day(c.CreatedAt)})
		}
		t.Records = nonNil(cs)
	case "takedowns":
		ts, err := s.store.ListTakedowns(ctx, u.OrgID, false)
		if err != nil {
			return t, err
		}
		t.Header = []string{"id", "consent_id", "archive_item_id", "draft_id", "published_url", "due", "done_at", "done_by"}
		for _, x := range ts {
			t.Rows = append(t.Rows, []string{strconv.FormatInt(x.ID, 10), strconv.FormatInt(x.ConsentID, 10), strconv.FormatInt(x.ArchiveItemID, 10),
				strconv.FormatInt(x.DraftID, 10), x.PublishedURL, day(x.Due), day(x.DoneAt), email[x.DoneBy]})
		}
		t.Records = nonNil(ts)
	case "relationships":
		var all []chaperone.Relationship
		for _, x := range users {
			rs, err := s.store.ListRelationships(ctx, x.ID, true)
			if err != nil {
				return t, err
			}
			all = append(all, rs...)
		}
		t.Header = []string{"id", "user", "company", "kind", "from", "to", "source", "status", "detail"}
		for _, r := range all {
			t.Rows = append(t.Rows, []string{strconv.FormatInt(r.ID, 10), email[r.UserID], r.Company, string(r.Kind), day(r.From), day(r.To), r.Source, r.Status, r.Detail})
		}
		t.Records = nonNil(all)
	case "attestations":
		as, err := s.store.Attestations(ctx, u.OrgID, 0)
		if err != nil {
			return t, err
		}
		t.Header = []string{"id", "user", "document", "version", "doc_sha256", "score", "passed", "at", "expires_at"}
		for _, a := range as {
			t.Rows = append(t.Rows, []string{strconv.FormatInt(a.ID, 10), email[a.UserID], a.Slug, strconv.Itoa(a.Version), a.DocSHA256,
				strconv.Itoa(a.Score), strconv.FormatBool(a.Passed), day(a.At), day(a.ExpiresAt)})
		}
		t.Records = nonNil(as)
	case "reviews":
		var all []chaperone.PatientReview
		f := store.ReviewFilter{OrgID: u.OrgID, Limit: 500}
		for {
			page, err := s.store.ListPatientReviews(ctx, f)
			if err != nil {
				return t, err
			}
			all = append(all, page...)
			if len(page) < 500 {
				break
			}
			f.BeforePosted, f.BeforeID = page[len(page)-1].CreatedAt, page[len(page)-1].ID
		}
		t.Header = []string{"id", "site", "external_id", "reviewer", "rating", "text", "posted", "url", "imported_at", "acknowledged_at", "reply_draft_id"}
		for _, r := range all {
			t.Rows = append(t.Rows, []string{strconv.FormatInt(r.ID, 10), r.Site, r.ExternalID, r.Reviewer, strconv.Itoa(r.Rating), r.Text,
				day(r.CreatedAt), r.URL, day(r.ImportedAt), day(r.AcknowledgedAt), strconv.FormatInt(r.ReplyDraftID, 10)})
		}
		t.Records = nonNil(all)
	case "reports":
		rs, err := s.store.ListReports(ctx, store.ReportFilter{OrgID: u.OrgID})
		if err != nil {
			return t, err
		}
		t.Header = []string{"id", "reporter", "subject", "anonymous", "content", "url", "screenshot_sha256", "status", "deadline",
			"response", "response_note", "escalated_at", "outcome", "outcome_note", "outcome_by", "created_at"}
		for _, r := range rs {
			t.Rows = append(t.Rows, []string{strconv.FormatInt(r.ID, 10), email[r.ReporterID], email[r.SubjectID], strconv.FormatBool(r.Anonymous),
				r.Content, r.URL, r.ScreenshotSHA256, string(r.Status), day(r.Deadline), string(r.Response), r.ResponseNote, day(r.EscalatedAt),
				string(r.Outcome), r.OutcomeNote, email[r.OutcomeBy], day(r.CreatedAt)})
		}
		t.Records = nonNil(rs)
	case "incidents":
		bs, err := s.store.ListIncidents(ctx, u.OrgID)
		if err != nil {
			return t, err
		}
		t.Header = []string{"id", "description", "archive_item_id", "discovered_at", "reported_by", "decision", "rationale", "affected",
			"max_in_state", "decided_at", "status", "closed_at"}
		for _, b := range bs {
			t.Rows = append(t.Rows, []string{strconv.FormatInt(b.ID, 10), b.Description, strconv.FormatInt(b.ArchiveItemID, 10), day(b.DiscoveredAt),
				email[b.ReportedBy], string(b.Decision), b.Rationale, strconv.Itoa(b.Affected), strconv.Itoa(b.MaxInState), day(b.DecidedAt),
				b.Status, day(b.ClosedAt)})
		}
		t.Records = nonNil(bs)
	case "identity":
		npis, err := s.store.OrgNPIs(ctx, u.OrgID)
		if err != nil {
			return t, err
		}
		type identity struct {
			User   string      `json:"user"`
			NPI    string      `json:"npi"`
			Record *npi.Record `json:"record,omitempty"`
		}
		var recs []identity
		t.Header = []string{"user", "npi", "name", "credential", "state", "taxonomies"}
		for _, x := range users {
			n, ok := npis[x.ID]
			if !ok {
				continue
			}
			id := identity{User: x.Email, NPI: n}
			row := []string{x.Email, n, "", "", "", ""}
			if rec, err := s.store.NPPES(ctx, n); err == nil {
				id.Record = &rec
				var tax []string
				for _, tx := range rec.Taxonomies {
					tax = append(tax, tx.Code)
				}
				row[2], row[3], row[4], row[5] = strings.TrimSpace(rec.First+" "+rec.Last), rec.Credential, rec.State, strings.Join(tax, " ")
			} else if chaperone.CodeOf(err) != chaperone.ErrNotFound {
				return t, err
			}
			recs = append(recs, id)
			t.Rows = append(t.Rows, row)
		}
		t.Records = nonNil(recs)
	default:
		return t, invalid("unknown export %q (one of %s)", kind, strings.Join(ExportKinds, ", "))
	}
	_, err = s.store.Audit(ctx, actor(u), store.AuditEntry{OrgID: u.OrgID, Action: chaperone.ActionRecordsExport, SubjectKind: kind,
		Details: map[string]any{"rows": len(t.Rows)}})
	return t, err
}

// CSV writes the table with its header, defusing cells a spreadsheet
// would run as a formula.
func (t Table) CSV() ([]byte, error) {
	return writeCSV(append([][]string{t.Header}, t.Rows...))
}

// nonNil turns a nil slice into an empty one, so JSON shows [].
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

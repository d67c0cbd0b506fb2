package web

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/policy"
	"github.com/chaperone-project/chaperone/service"
	"github.com/chaperone-project/chaperone/store"
)

// state is what one role's walk acts on: drafts by another clinician of
// the org in each status a route needs, and one of their archived posts.
type state struct {
	inReview, blocked, approved, archived int64
	pictured, picture                     int64 // a draft in review with a picture, and the picture
	post                                  int64 // another clinician's flagged published post
	source, account                       int64 // another clinician's feed source and Mastodon account
	consent, takedown                     int64
	tie                                   int64 // another clinician's proposed relationship
	trainingVersion                       int   // the latest version of "social-media"
	victim                                int64 // a user to disable
	review                                int64 // a 1-star review, new
	// colleague reports by another clinician about the clinician role's
	// user: open (with a screenshot) and escalated
	report, escalated int64
	colleague         int64 // the other clinician, whom the walk reports
	// breach incidents reported by another clinician: new, assessed,
	// decided a breach (with its first task), decided not a breach
	incident, assessed, decided, task, notBreach int64
	request                                      int64 // another clinician's review request
}

// reviewSeq makes each state's review id on the site unique.
var reviewSeq atomic.Int64

func newState(t *testing.T, s *site) state {
	t.Helper()
	ctx := context.Background()
	svc := service.New(s.st, eng, service.Config{})
	by := s.other
	create := func(c service.Compose) int64 {
		t.Helper()
		d, err := svc.Create(ctx, by, c)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Submit(ctx, by, d.ID); err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	st := state{
		inReview: create(service.Compose{Channel: chaperone.ChannelReviewReply, Context: "Long wait.", Text: "Thank you for the feedback; please call our office manager."}),
		blocked:  create(service.Compose{Text: "Discharged Mrs. Siobhan O'Connell home today, MRN 0048-2913."}),
		approved: create(service.Compose{Text: "Flu shots are in: book at the front desk."}),
	}
	pic, err := svc.Create(ctx, by, service.Compose{Text: "Our new waiting room."})
	if err != nil {
		t.Fatal(err)
	}
	img, err := svc.AttachImage(ctx, by, pic.ID, "room.png", tinyPNGBytes)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Submit(ctx, by, pic.ID); err != nil {
		t.Fatal(err)
	}
	st.pictured, st.picture = pic.ID, img.ID
	postID := "walk-" + strconv.FormatInt(reviewSeq.Add(1), 10)
	if _, err := svc.ImportPosts(ctx, by, 0, func(fn func(chaperone.Post) error) error {
		return fn(chaperone.Post{Source: chaperone.SourceXArchive, ExternalID: postID, Text: "Discharged Mrs. Siobhan O'Connell home today, MRN 0048-2913."})
	}, nil); err != nil {
		t.Fatal(err)
	}
	posts, err := svc.PublishedPosts(ctx, by, service.PostFilter{Status: chaperone.PostOpen, Limit: 1})
	if err != nil || len(posts) != 1 {
		t.Fatalf("the walk's post: %v %d", err, len(posts))
	}
	st.post = posts[0].ID
	src, err := svc.AddSource(ctx, by, 0, chaperone.SourceFeed, "https://example.org/walk-"+postID+".xml")
	if err != nil {
		t.Fatal(err)
	}
	acct, err := svc.AddAccount(ctx, by, chaperone.SocialAccount{Platform: "mastodon", Handle: "@" + postID, Kind: chaperone.AccountProfessional})
	if err != nil {
		t.Fatal(err)
	}
	st.source, st.account = src.ID, acct.ID
	pub := create(service.Compose{Text: "Our clinic opens at 8 on Saturdays."})
	item, err := svc.Publish(ctx, by, pub, "https://example.org/p/"+strconv.FormatInt(pub, 10))
	if err != nil {
		t.Fatal(err)
	}
	st.archived = item.ID
	// an authorisation, and a takedown left by revoking another one
	c, err := svc.RecordConsent(ctx, by, sampleConsent(), samplePDF)
	if err != nil {
		t.Fatal(err)
	}
	st.consent = c.ID
	gone, err := svc.RecordConsent(ctx, by, sampleConsent(), samplePDF)
	if err != nil {
		t.Fatal(err)
	}
	cap := create(service.Compose{Channel: chaperone.ChannelImageCaption, Text: "Before and after photos of my patient's knee replacement, one year on!"})
	if err := svc.LinkConsent(ctx, by, cap, gone.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Review(ctx, s.users[chaperone.RoleReviewer], cap, chaperone.ReviewApprove, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Publish(ctx, by, cap, "https://example.org/p/cap"); err != nil {
		t.Fatal(err)
	}
	tasks, err := svc.RevokeConsent(ctx, s.users[chaperone.RoleCompliance], gone.ID, "withdrawn by phone")
	if err != nil || len(tasks) != 1 {
		t.Fatalf("revoke: %v %d", err, len(tasks))
	}
	st.takedown = tasks[0].ID
	if err := svc.SetNPI(ctx, by, "1234567893"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportOpenPayments(ctx, by, strings.NewReader(paymentsCSV)); err != nil {
		t.Fatal(err)
	}
	rs, err := svc.Relationships(ctx, by, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Status == chaperone.TieProposed {
			st.tie = r.ID
		}
	}
	if st.tie == 0 {
		t.Fatal("no proposed relationship")
	}
	doc, err := svc.PublishTraining(ctx, s.users[chaperone.RoleCompliance], chaperone.TrainingDoc{Slug: "social-media", Title: "Social media",
		Markdown: "Never post PHI.", Quiz: []chaperone.Question{{Prompt: "Post PHI?", Choices: []string{"No", "Yes"}, Answer: 0}}})
	if err != nil {
		t.Fatal(err)
	}
	st.trainingVersion = doc.Version
	victim, _, err := service.CreateUser(ctx, s.st, store.System, by.OrgID, "victim-"+strconv.FormatInt(reviewSeq.Add(1), 10)+"@example.org", "Victim", chaperone.RoleClinician)
	if err != nil {
		t.Fatal(err)
	}
	st.victim = victim.ID
	ext := "walk-" + strconv.FormatInt(reviewSeq.Add(1), 10)
	if _, err := svc.ImportReviews(ctx, by, strings.NewReader("id,rating,date,text\n"+ext+",1,2026-10-12,Waited an hour.\n"), "healthgrades"); err != nil {
		t.Fatal(err)
	}
	prs, err := s.st.ListPatientReviews(ctx, store.ReviewFilter{OrgID: by.OrgID, Limit: 1})
	if err != nil || len(prs) != 1 || prs[0].ExternalID != ext {
		t.Fatalf("the walk's review: %v %+v", err, prs)
	}
	st.review = prs[0].ID
	st.colleague = by.ID
	clin := s.users[chaperone.RoleClinician]
	esc, err := svc.Report(ctx, by, clin.ID, "A patient's X-ray on my colleague's public account", "", nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.EscalateDue(ctx, time.Now().Add(service.ReportDeadline+time.Minute)); err != nil {
		t.Fatal(err)
	}
	st.escalated = esc.ID
	rep, err := svc.Report(ctx, by, clin.ID, "Mocked a patient by first name", "https://example.org/p/9", samplePNG, true)
	if err != nil {
		t.Fatal(err)
	}
	st.report = rep.ID
	comp := s.users[chaperone.RoleCompliance]
	open := func(what string) int64 {
		t.Helper()
		b, err := svc.OpenIncident(ctx, by, what, 0, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return b.ID
	}
	full := service.Assessment{Affected: 2, MaxInState: 2,
		Nature:     chaperone.RiskFactor{Text: "Name and diagnosis", Rating: chaperone.RatingHigh},
		Recipient:  chaperone.RiskFactor{Text: "The public", Rating: chaperone.RatingHigh},
		Acquired:   chaperone.RiskFactor{Text: "Viewed", Rating: chaperone.RatingMedium},
		Mitigation: chaperone.RiskFactor{Text: "Removed", Rating: chaperone.RatingLow}}
	st.incident, st.assessed, st.decided, st.notBreach = open("MRN in a post"), open("Name in a caption"), open("Chart in a photo"), open("Initials only")
	for _, id := range []int64{st.assessed, st.decided, st.notBreach} {
		if _, err := svc.AssessIncident(ctx, comp, id, full); err != nil {
			t.Fatal(err)
		}
	}
	b, err := svc.DecideIncident(ctx, comp, st.decided, chaperone.DecisionBreach, "Seen by the public")
	if err != nil || len(b.Tasks) == 0 {
		t.Fatalf("decide: %v", err)
	}
	st.task = b.Tasks[0].ID
	if _, err := svc.DecideIncident(ctx, comp, st.notBreach, chaperone.DecisionNotBreach, "Low probability of compromise"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddVisit(ctx, by, "Walk Patient", "walk-"+strconv.FormatInt(reviewSeq.Add(1), 10)+"@example.com", "2026-10-02"); err != nil {
		t.Fatal(err)
	}
	rrs, err := s.st.ListReviewRequests(ctx, store.ReviewRequestFilter{OrgID: by.OrgID, Limit: 1})
	if err != nil || len(rrs) != 1 {
		t.Fatalf("the walk's review request: %v", err)
	}
	st.request = rrs[0].ID
	return st
}

// tinyTweetsJS is a bare data/tweets.js of one post, its id made from
// tag.
func tinyTweetsJS(tag string) string {
	return `window.YTD.tweets.part0 = [ { "tweet" : { "id_str" : "` + strconv.Itoa(int(reviewSeq.Add(1))) + `", "created_at" : "Wed Oct 10 20:19:24 +0000 2018", "full_text" : "Flu shots are in (` + tag + `)." } } ]`
}

// tinyPNGBytes is a whole 8×8 PNG, a picture to attach.
var tinyPNGBytes = func() []byte {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)))
	return buf.Bytes()
}()

// samplePNG is enough of a PNG for content sniffing.
var samplePNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")

// paymentsCSV is a minimal Open Payments file: one payment to NPI 1234567893.
const paymentsCSV = "Covered_Recipient_NPI,Applicable_Manufacturer_or_Applicable_GPO_Making_Payment_Name,Total_Amount_of_Payment_USDollars,Date_of_Payment,Nature_of_Payment_or_Transfer_of_Value\n" +
	"1234567893,Novo Nordisk Inc,23.17,03/14/2025,Food and Beverage\n"

var samplePDF = []byte("%PDF-1.4\n% signed\n%%EOF\n")

func sampleConsent() chaperone.Consent {
	now := time.Now()
	return chaperone.Consent{Patient: "Walter Pruitt", Discloses: "Knee photos", DisclosedBy: "Harbor", Recipient: "The public",
		Purpose: "Education", Expires: now.AddDate(1, 0, 0), SignedBy: "Walter Pruitt", SignedAt: now, RightToRevoke: true,
		NoConditioning: true, Redisclosure: true, Media: []string{"text", "photo"},
		Channels: []chaperone.Channel{chaperone.ChannelPost, chaperone.ChannelImageCaption}}
}

// call is one request of the walk and the roles that may make it.
type call struct {
	pattern string // the route it exercises, as registered
	method  string
	path    string // with D (in review), B (blocked), A (approved), I (archived item)
	body    string // form values, or JSON for the API
	allowed []chaperone.Role
}

var (
	all       = chaperone.Roles
	reviewers = []chaperone.Role{chaperone.RoleReviewer, chaperone.RoleCompliance, chaperone.RoleAdmin}
	auditors  = []chaperone.Role{chaperone.RoleCompliance, chaperone.RoleAdmin}
	comp      = []chaperone.Role{chaperone.RoleCompliance}
	admins    = []chaperone.Role{chaperone.RoleAdmin}
	nobody    = []chaperone.Role{}
	handlers  = []chaperone.Role{chaperone.RoleClinician, chaperone.RoleCompliance, chaperone.RoleAdmin} // of patient reviews
	// subject is the clinician role's user, whom the walk's reports are
	// about; subjectAuditors adds compliance and admins
	subject         = []chaperone.Role{chaperone.RoleClinician}
	subjectAuditors = []chaperone.Role{chaperone.RoleClinician, chaperone.RoleCompliance, chaperone.RoleAdmin}
)

var pageCalls = []call{
	{"GET /{$}", "GET", "/", "", all},
	{"GET /drafts/new", "GET", "/drafts/new", "", all},
	{"POST /drafts", "POST", "/drafts", "text=Flu+shots+today", all},
	{"GET /drafts/{id}", "GET", "/drafts/D", "", reviewers},
	{"POST /drafts/{id}/versions", "POST", "/drafts/D/versions", "text=changed", nobody},
	{"POST /drafts/{id}/submit", "POST", "/drafts/D/submit", "", nobody},
	{"POST /drafts/{id}/review", "POST", "/drafts/D/review", "action=approve", reviewers},
	{"POST /drafts/{id}/override", "POST", "/drafts/B/override", "reason=Written+authorisation+is+on+file+for+this+one.", comp},
	{"POST /drafts/{id}/publish", "POST", "/drafts/A/publish", "url=https://example.org/x", nobody},
	{"POST /drafts/{id}/images", "POST", "/drafts/D/images", "IMAGEFORM", nobody},
	{"POST /drafts/{id}/images/{img}/remove", "POST", "/drafts/X/images/IMG/remove", "", nobody},
	{"GET /drafts/{id}/images/{img}/{file}", "GET", "/drafts/X/images/IMG/original", "", reviewers},
	{"GET /queue", "GET", "/queue", "", reviewers},
	{"GET /watch", "GET", "/watch?status=open", "", all},
	{"GET /watch/report", "GET", "/watch/report?all=1&format=pdf", "", auditors},
	{"POST /watch/import", "POST", "/watch/import", "ARCHIVEFORM", all},
	{"POST /watch/sources", "POST", "/watch/sources", "kind=feed&target=https://example.org/ROLE.xml", all},
	{"POST /watch/sources/{id}/{action}", "POST", "/watch/sources/S/poll", "", auditors},
	{"POST /accounts/{id}/credentials", "POST", "/accounts/ACCT/credentials", "server=https://med.social&token=x", nobody},
	{"GET /watch/imports/{id}", "GET", "/watch/imports/999999", "", nobody}, // nobody's: see TestArchiveImport
	{"POST /watch/{id}/resolve", "POST", "/watch/W/resolve", "status=accepted", auditors},
	{"GET /accounts", "GET", "/accounts", "", all},
	{"POST /accounts", "POST", "/accounts", "platform=mastodon&handle=ROLE&kind=professional", all},
	{"GET /archive", "GET", "/archive", "", auditors},
	{"GET /archive/export", "GET", "/archive/export?format=json", "", auditors},
	{"GET /archive/{id}", "GET", "/archive/I", "", auditors},
	{"POST /archive/{id}/hold", "POST", "/archive/I/hold", "on=true", comp},
	{"GET /audit", "GET", "/audit", "", auditors},
	{"GET /consents", "GET", "/consents", "", all},
	{"POST /consents", "POST", "/consents", "MULTIPART", []chaperone.Role{chaperone.RoleClinician, chaperone.RoleCompliance, chaperone.RoleAdmin}},
	{"GET /consents/{id}", "GET", "/consents/C", "", auditors},
	{"GET /consents/{id}/document", "GET", "/consents/C/document", "", auditors},
	{"POST /consents/{id}/revoke", "POST", "/consents/C/revoke", "reason=by+phone", auditors},
	{"POST /drafts/{id}/consents", "POST", "/drafts/D/consents", "consent=C", nobody},
	{"GET /takedowns", "GET", "/takedowns", "", all},
	{"POST /takedowns/{id}/done", "POST", "/takedowns/T/done", "", auditors},
	{"GET /ties", "GET", "/ties", "", all},
	{"POST /ties", "POST", "/ties", "company=Pfizer&kind=consulting&from=2025-01-01", all},
	{"POST /ties/npi", "POST", "/ties/npi", "npi=1234567893", all},
	{"POST /ties/import", "POST", "/ties/import", "PAYMENTSFORM", all},
	{"POST /ties/{id}", "POST", "/ties/TIE", "action=confirm", nobody},
	{"GET /training", "GET", "/training", "", all},
	{"POST /training", "POST", "/training", "slug=walk&title=Walk&markdown=Read+me&quiz=Q%3A+Post+PHI%3F%0A*+No%0A-+Yes", auditors},
	{"GET /training/{slug}", "GET", "/training/social-media", "", all},
	{"GET /grade", "GET", "/grade", "", all},
	{"POST /training/{slug}/quiz", "POST", "/training/social-media/quiz", "version=VERSION&q0=0", all},
	{"GET /export/{kind}", "GET", "/export/consents", "", auditors},
	{"GET /reviews", "GET", "/reviews?site=healthgrades&max_rating=2&from=2026-01-01&to=2026-12-31&unreplied=1", "", handlers},
	{"POST /reviews/import", "POST", "/reviews/import", "REVIEWUPLOAD", handlers},
	{"POST /reviews/{id}/ack", "POST", "/reviews/R/ack", "back=dashboard", handlers},
	{"POST /reviews/{id}/reply", "POST", "/reviews/R/reply", "template=concern", handlers},
	{"GET /review-requests", "GET", "/review-requests?status=queued", "", handlers},
	{"POST /review-requests/import", "POST", "/review-requests/import", "VISITUPLOAD", handlers},
	{"POST /review-requests/visits", "POST", "/review-requests/visits", "name=&email=page-ROLE%40example.com&date=2026-10-02", handlers},
	{"POST /review-requests/optout", "POST", "/review-requests/optout", "email=optout-ROLE%40example.com", handlers},
	{"POST /review-requests/links", "POST", "/review-requests/links", "google=https%3A%2F%2Fg.page%2Fr%2Fwalk%2Freview", admins},
	{"GET /reports", "GET", "/reports", "", all},
	{"POST /reports", "POST", "/reports", "REPORTFORM", all},
	{"GET /reports/{id}", "GET", "/reports/P", "", subjectAuditors},
	{"GET /reports/{id}/screenshot", "GET", "/reports/P/screenshot", "", subjectAuditors},
	{"POST /reports/{id}/respond", "POST", "/reports/P/respond", "response=removed", subject},
	{"POST /reports/{id}/outcome", "POST", "/reports/Q/outcome", "outcome=no_issue&note=Reviewed+the+post", comp},
	{"GET /incidents", "GET", "/incidents", "", all},
	{"POST /incidents", "POST", "/incidents", "description=MRN+in+a+published+post", all},
	{"GET /incidents/log", "GET", "/incidents/log?year=2026", "", auditors},
	{"GET /incidents/{id}", "GET", "/incidents/N", "", auditors},
	{"POST /incidents/{id}/assess", "POST", "/incidents/N/assess", "nature=Name&nature_rating=high&affected=1&max_in_state=1", auditors},
	{"POST /incidents/{id}/decide", "POST", "/incidents/E/decide", "decision=breach&rationale=Seen+by+the+public", auditors},
	{"POST /incidents/{id}/tasks/{task}/done", "POST", "/incidents/F/tasks/K/done", "", auditors},
	{"POST /incidents/{id}/close", "POST", "/incidents/G/close", "", auditors},
	{"GET /incidents/{id}/export", "GET", "/incidents/N/export?format=csv", "", auditors},
	{"GET /users", "GET", "/users", "", admins},
	{"POST /users", "POST", "/users", "email=new-ROLE@example.org&name=New&role=clinician", admins},
	{"POST /users/{id}/disable", "POST", "/users/U/disable", "", admins},
	{"GET /policy", "GET", "/policy", "", auditors},
	{"POST /policy", "POST", "/policy", "text=" + url.QueryEscape(string(policy.DefaultFile())), admins},
	{"POST /logout", "POST", "/logout", "", all}, // last: it ends the session
}

var apiCalls = []call{
	{"POST /api/v1/screen", "POST", "/api/v1/screen", `{"text":"Flu shots today"}`, all},
	{"GET /api/v1/drafts", "GET", "/api/v1/drafts", "", all},
	{"POST /api/v1/drafts", "POST", "/api/v1/drafts", `{"text":"Flu shots today"}`, all},
	{"GET /api/v1/drafts/{id}", "GET", "/api/v1/drafts/D", "", reviewers},
	{"POST /api/v1/drafts/{id}/versions", "POST", "/api/v1/drafts/D/versions", `{"text":"changed"}`, nobody},
	{"POST /api/v1/drafts/{id}/submit", "POST", "/api/v1/drafts/D/submit", "", nobody},
	{"POST /api/v1/drafts/{id}/review", "POST", "/api/v1/drafts/D/review", `{"action":"approve"}`, reviewers},
	{"POST /api/v1/drafts/{id}/override", "POST", "/api/v1/drafts/B/override", `{"reason":"Written authorisation is on file for this one."}`, comp},
	{"POST /api/v1/drafts/{id}/publish", "POST", "/api/v1/drafts/A/publish", `{"url":"https://example.org/x"}`, nobody},
	{"GET /api/v1/drafts/{id}/images", "GET", "/api/v1/drafts/X/images", "", reviewers},
	{"POST /api/v1/drafts/{id}/images", "POST", "/api/v1/drafts/D/images?name=x.png", "IMAGEBODY", nobody},
	{"GET /api/v1/drafts/{id}/images/{img}/{file}", "GET", "/api/v1/drafts/X/images/IMG/copy", "", reviewers},
	{"DELETE /api/v1/drafts/{id}/images/{img}", "DELETE", "/api/v1/drafts/X/images/IMG", "", nobody},
	{"GET /api/v1/published", "GET", "/api/v1/published?all=1", "", auditors},
	{"POST /api/v1/published/import", "POST", "/api/v1/published/import", "ARCHIVEBODY", all},
	{"GET /api/v1/sources", "GET", "/api/v1/sources?all=1", "", auditors},
	{"POST /api/v1/sources", "POST", "/api/v1/sources", `{"kind":"feed","target":"https://example.org/api-ROLE.xml"}`, all},
	{"POST /api/v1/sources/{id}/poll", "POST", "/api/v1/sources/S/poll", "", auditors},
	{"DELETE /api/v1/sources/{id}", "DELETE", "/api/v1/sources/S", "", auditors},
	{"PUT /api/v1/accounts/{id}/credentials", "PUT", "/api/v1/accounts/ACCT/credentials", `{"server":"https://med.social","token":"x"}`, nobody},
	{"GET /api/v1/published/imports/{id}", "GET", "/api/v1/published/imports/999999", "", nobody},
	{"GET /api/v1/audit-report", "GET", "/api/v1/audit-report?all=1&from=2026-01-01&to=2026-12-31", "", auditors},
	{"GET /api/v1/grade", "GET", "/api/v1/grade?org=1", "", auditors},
	{"POST /api/v1/published/{id}/resolve", "POST", "/api/v1/published/W/resolve", `{"status":"accepted"}`, auditors},
	{"GET /api/v1/queue", "GET", "/api/v1/queue", "", reviewers},
	{"GET /api/v1/accounts", "GET", "/api/v1/accounts", "", all},
	{"POST /api/v1/accounts", "POST", "/api/v1/accounts", `{"platform":"bluesky","handle":"ROLE","kind":"personal"}`, all},
	{"GET /api/v1/archive", "GET", "/api/v1/archive", "", auditors},
	{"GET /api/v1/archive/{id}", "GET", "/api/v1/archive/I", "", auditors},
	{"GET /api/v1/audit/verify", "GET", "/api/v1/audit/verify", "", auditors},
	{"GET /api/v1/relationships", "GET", "/api/v1/relationships", "", all},
	{"POST /api/v1/relationships", "POST", "/api/v1/relationships", `{"company":"Pfizer","kind":"consulting","from":"2025-01-01T00:00:00Z"}`, all},
	{"POST /api/v1/relationships/import", "POST", "/api/v1/relationships/import", "PAYMENTSCSV", all},
	{"POST /api/v1/relationships/{id}", "POST", "/api/v1/relationships/TIE", `{"action":"confirm"}`, nobody},
	{"PUT /api/v1/npi", "PUT", "/api/v1/npi", `{"npi":"1234567893"}`, all},
	{"GET /api/v1/export/{kind}", "GET", "/api/v1/export/relationships", "", auditors},
	{"POST /api/v1/users/{id}/disable", "POST", "/api/v1/users/U/disable", "", admins},
	{"GET /api/v1/training", "GET", "/api/v1/training", "", all},
	{"POST /api/v1/training", "POST", "/api/v1/training", `{"slug":"walk-api","title":"Walk","markdown":"Read me","quiz":[{"prompt":"PHI?","choices":["No","Yes"],"answer":0}]}`, auditors},
	{"GET /api/v1/training/report", "GET", "/api/v1/training/report", "", auditors},
	{"GET /api/v1/training/{slug}", "GET", "/api/v1/training/social-media", "", all},
	{"POST /api/v1/training/{slug}/attest", "POST", "/api/v1/training/social-media/attest", `{"version":VERSION,"answers":[0]}`, all},
	{"GET /api/v1/identity", "GET", "/api/v1/identity", "", all},
	{"POST /api/v1/identity/import", "POST", "/api/v1/identity/import", "NPPESCSV", auditors},
	{"GET /api/v1/consents", "GET", "/api/v1/consents", "", all},
	{"POST /api/v1/consents", "POST", "/api/v1/consents", "CONSENTJSON", []chaperone.Role{chaperone.RoleClinician, chaperone.RoleCompliance, chaperone.RoleAdmin}},
	{"GET /api/v1/consents/{id}", "GET", "/api/v1/consents/C", "", auditors},
	{"POST /api/v1/consents/{id}/revoke", "POST", "/api/v1/consents/C/revoke", `{"reason":"by phone"}`, auditors},
	{"POST /api/v1/drafts/{id}/consents", "POST", "/api/v1/drafts/D/consents", `{"consent_id":C}`, nobody},
	{"GET /api/v1/takedowns", "GET", "/api/v1/takedowns", "", all},
	{"POST /api/v1/takedowns/{id}/done", "POST", "/api/v1/takedowns/T/done", "", auditors},
	{"GET /api/v1/reviews", "GET", "/api/v1/reviews?min_rating=1&max_rating=2&new=1&limit=10", "", handlers},
	{"POST /api/v1/reviews/import", "POST", "/api/v1/reviews/import?site=yelp", `[{"id":"api-ROLE","rating":4,"date":"2026-10-01","text":"Fine."}]`, handlers},
	{"POST /api/v1/reviews/{id}/ack", "POST", "/api/v1/reviews/R/ack", "", handlers},
	{"POST /api/v1/reviews/{id}/reply", "POST", "/api/v1/reviews/R/reply", `{"template":"concern"}`, handlers},
	{"GET /api/v1/review-requests", "GET", "/api/v1/review-requests?status=queued&limit=10", "", handlers},
	{"POST /api/v1/review-requests/import", "POST", "/api/v1/review-requests/import", "VISITCSV", handlers},
	{"POST /api/v1/review-requests/visits", "POST", "/api/v1/review-requests/visits", `{"email":"api-ROLE@example.com","date":"2026-10-02"}`, handlers},
	{"POST /api/v1/review-requests/optout", "POST", "/api/v1/review-requests/optout", `{"email":"api-optout-ROLE@example.com"}`, handlers},
	{"GET /api/v1/review-requests/{id}/attempts", "GET", "/api/v1/review-requests/RQ/attempts", "", handlers},
	{"GET /api/v1/review-links", "GET", "/api/v1/review-links", "", handlers},
	{"PUT /api/v1/review-links", "PUT", "/api/v1/review-links", `{"google":"https://g.page/r/walk/review"}`, admins},
	{"GET /api/v1/reports", "GET", "/api/v1/reports", "", all},
	{"POST /api/v1/reports", "POST", "/api/v1/reports", "REPORTJSON", all},
	{"GET /api/v1/reports/about-me", "GET", "/api/v1/reports/about-me", "", all},
	{"GET /api/v1/reports/queue", "GET", "/api/v1/reports/queue", "", auditors},
	{"GET /api/v1/reports/{id}", "GET", "/api/v1/reports/P", "", subjectAuditors},
	{"GET /api/v1/reports/{id}/screenshot", "GET", "/api/v1/reports/P/screenshot", "", subjectAuditors},
	{"POST /api/v1/reports/{id}/respond", "POST", "/api/v1/reports/P/respond", `{"response":"disagree","note":"It names no patient"}`, subject},
	{"POST /api/v1/reports/{id}/outcome", "POST", "/api/v1/reports/Q/outcome", `{"outcome":"no_issue","note":"Reviewed the post"}`, comp},
	{"GET /api/v1/incidents", "GET", "/api/v1/incidents", "", all},
	{"POST /api/v1/incidents", "POST", "/api/v1/incidents", `{"description":"MRN in a published post"}`, all},
	{"GET /api/v1/incidents/due", "GET", "/api/v1/incidents/due", "", all},
	{"GET /api/v1/incidents/log", "GET", "/api/v1/incidents/log?year=2026&format=csv", "", auditors},
	{"GET /api/v1/incidents/{id}", "GET", "/api/v1/incidents/N", "", auditors},
	{"POST /api/v1/incidents/{id}/assess", "POST", "/api/v1/incidents/N/assess", `{"nature":{"text":"Name","rating":"high"},"affected":1,"max_in_state":1}`, auditors},
	{"POST /api/v1/incidents/{id}/decide", "POST", "/api/v1/incidents/E/decide", `{"decision":"breach","rationale":"Seen by the public"}`, auditors},
	{"POST /api/v1/incidents/{id}/tasks/{task}/done", "POST", "/api/v1/incidents/F/tasks/K/done", "", auditors},
	{"POST /api/v1/incidents/{id}/close", "POST", "/api/v1/incidents/G/close", "", auditors},
	{"GET /api/v1/incidents/{id}/export", "GET", "/api/v1/incidents/N/export?format=json", "", auditors},
	{"GET /api/v1/policy", "GET", "/api/v1/policy", "", auditors},
	{"PUT /api/v1/policy", "PUT", "/api/v1/policy", policyJSON(), admins},
}

// policyJSON is the body of PUT /api/v1/policy that saves the shipped
// policy again: the walk's later drafts route as before.
func policyJSON() string {
	b, _ := json.Marshal(map[string]string{"text": string(policy.DefaultFile())})
	return string(b)
}

func (c call) url(base string, st state, role chaperone.Role) string {
	return base + st.replacer().Replace(strings.ReplaceAll(c.path, "/RQ/", "/"+strconv.FormatInt(st.request, 10)+"/"))
}

func (st state) replacer() *strings.Replacer {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	return strings.NewReplacer("/ACCT/", "/"+id(st.account)+"/", "/S/", "/"+id(st.source)+"/", "sources/S", "sources/"+id(st.source), "/IMG", "/"+id(st.picture), "/W/", "/"+id(st.post)+"/", "/X/", "/"+id(st.pictured)+"/", "/D", "/"+id(st.inReview), "/B", "/"+id(st.blocked), "/A", "/"+id(st.approved),
		"/TIE", "/"+id(st.tie), "/R/", "/"+id(st.review)+"/", "/U/", "/"+id(st.victim)+"/",
		"/I", "/"+id(st.archived), "/C", "/"+id(st.consent), "/T", "/"+id(st.takedown),
		"/P", "/"+id(st.report), "/Q", "/"+id(st.escalated), "/N", "/"+id(st.incident), "/E", "/"+id(st.assessed),
		"/F", "/"+id(st.decided), "/K", "/"+id(st.task), "/G", "/"+id(st.notBreach),
		"consent=C", "consent="+id(st.consent), `"consent_id":C`, `"consent_id":`+id(st.consent), "VERSION", strconv.Itoa(st.trainingVersion))
}

// body returns a call's body and content type for role.
func (c call) bodyFor(st state, role chaperone.Role) (string, string) {
	switch c.body {
	case "MULTIPART":
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		sc := sampleConsent()
		fields := map[string]string{"patient": sc.Patient, "discloses": sc.Discloses, "disclosed_by": sc.DisclosedBy, "recipient": sc.Recipient,
			"purpose": sc.Purpose, "signed_by": sc.SignedBy, "signed_at": sc.SignedAt.Format(time.DateOnly), "expires": sc.Expires.Format(time.DateOnly),
			"right_to_revoke": "on", "no_conditioning": "on", "redisclosure": "on", "media": "text", "channels": "post"}
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("document", "form.pdf")
		fw.Write(samplePDF)
		mw.Close()
		return buf.String(), mw.FormDataContentType()
	case "PAYMENTSFORM":
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "payments.csv")
		fw.Write([]byte(paymentsCSV))
		mw.Close()
		return buf.String(), mw.FormDataContentType()
	case "NPPESCSV":
		return "NPI,Entity Type Code,Provider Last Name (Legal Name),Provider First Name,Provider Credential Text,Healthcare Provider Taxonomy Code_1\n" +
			"1234567893,1,RUIZ,ANA,M.D.,207R00000X\n", "text/csv"
	case "REPORTFORM":
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("subject", strconv.FormatInt(st.colleague, 10))
		mw.WriteField("content", "Posted a patient's photo")
		mw.WriteField("anonymous", "on")
		fw, _ := mw.CreateFormFile("screenshot", "shot.png")
		fw.Write(samplePNG)
		mw.Close()
		return buf.String(), mw.FormDataContentType()
	case "REPORTJSON":
		js, _ := json.Marshal(map[string]any{"subject_id": st.colleague, "content": "Posted a patient's photo", "anonymous": true, "screenshot_base64": samplePNG})
		return string(js), "application/json"
	case "PAYMENTSCSV":
		return paymentsCSV, "text/csv"
	case "IMAGEFORM":
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("image", "room.png")
		fw.Write(tinyPNGBytes)
		mw.Close()
		return buf.String(), mw.FormDataContentType()
	case "ARCHIVEFORM":
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("archive", "tweets.js")
		fw.Write([]byte(tinyTweetsJS(string(role))))
		mw.Close()
		return buf.String(), mw.FormDataContentType()
	case "ARCHIVEBODY":
		return tinyTweetsJS("api-" + string(role)), "application/javascript"
	case "IMAGEBODY":
		return string(tinyPNGBytes), "image/png"
	case "REVIEWUPLOAD":
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("site", "google")
		fw, _ := mw.CreateFormFile("file", "reviews.csv")
		fw.Write([]byte("id,rating,date,text\npage-" + string(role) + ",5,2026-10-02,Great.\n"))
		mw.Close()
		return buf.String(), mw.FormDataContentType()
	case "VISITUPLOAD":
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "appointments.csv")
		fw.Write([]byte("date,email,reason\n2026-10-03,upload-" + string(role) + "@example.com,flu\n"))
		mw.Close()
		return buf.String(), mw.FormDataContentType()
	case "VISITCSV":
		return "visit id,date,email\napi-" + string(role) + ",2026-10-03,api-list-" + string(role) + "@example.com\n", "text/csv"
	case "CONSENTJSON":
		js, _ := json.Marshal(struct {
			chaperone.Consent
			Document []byte `json:"document_base64"`
		}{sampleConsent(), samplePDF})
		return string(js), "application/json"
	}
	return st.replacer().Replace(strings.ReplaceAll(c.body, "ROLE", string(role))), ""
}

func (c call) allows(role chaperone.Role) bool {
	for _, r := range c.allowed {
		if r == role {
			return true
		}
	}
	return false
}

// TestEveryRouteEveryRole walks every route of the web UI and the API
// with every role and checks who is refused (403, or 404 for a draft the
// user may not see) and who is not.
func TestEveryRouteEveryRole(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *site) {
		for _, role := range chaperone.Roles {
			t.Run(string(role), func(t *testing.T) {
				st := newState(t, s)
				c := s.browser(t)
				s.login(t, c, role)
				for _, k := range pageCalls {
					var resp *http.Response
					var err error
					target := k.url(s.URL, st, role)
					body, ctype := k.bodyFor(st, role)
					switch {
					case k.method == "GET":
						resp, err = c.Get(target)
					case ctype != "":
						resp, err = c.Post(target, ctype, strings.NewReader(body))
					default:
						resp, err = c.PostForm(target, formOf(body))
					}
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					check(t, k, role, resp.StatusCode)
				}
				st = newState(t, s)
				tok := s.token(t, role)
				for _, k := range apiCalls {
					body, _ := k.bodyFor(st, role)
					code, _ := api(t, s, tok, k.method, strings.TrimPrefix(k.url(s.URL, st, role), s.URL), body)
					check(t, k, role, code)
				}
			})
		}
	})
}

func formOf(body string) url.Values {
	v, _ := url.ParseQuery(body)
	return v
}

func check(t *testing.T, k call, role chaperone.Role, code int) {
	t.Helper()
	refused := code == http.StatusForbidden || code == http.StatusNotFound
	switch {
	case k.allows(role) && (refused || code >= 400):
		t.Errorf("%s %s as %s: %d, want it allowed", k.method, k.path, role, code)
	case !k.allows(role) && !refused:
		t.Errorf("%s %s as %s: %d, want it refused", k.method, k.path, role, code)
	}
}

// TestMatrixCoversEveryRoute fails when a route is added without a row in
// the walk.
func TestMatrixCoversEveryRoute(t *testing.T) {
	srv := &Server{}
	walked := map[string]bool{}
	for _, k := range append(append([]call{}, pageCalls...), apiCalls...) {
		walked[k.pattern] = true
	}
	for _, r := range srv.pageRoutes() {
		if !walked[r.pattern] {
			t.Errorf("page route %s is not walked", r.pattern)
		}
	}
	for _, r := range srv.api() {
		if !walked[r.pattern] {
			t.Errorf("API route %s is not walked", r.pattern)
		}
	}
}

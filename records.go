package chaperone

import (
	"encoding/json"
	"time"
)

// This file holds the records of the chaperone service (chaperone serve):
// organisations, users, drafts and their versions, screens, reviews, the
// archive of published posts and the audit log. The store package keeps
// them; the web layer and the CLI read and show them. IDs are assigned by
// the store and start at 1, so 0 means "none".

// Org is an organisation: a practice, hospital or health system whose
// clinicians, reviewers and compliance staff share a review queue and an
// archive. Every other record belongs to one org.
type Org struct {
	ID int64 `json:"id"`
	// Slug is the org's short unique name, for sign-in and URLs.
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Role is what a user may do in their org.
type Role string

// Roles. Clinicians write drafts; reviewers approve, send back or reject
// them; compliance staff also see the archive and the audit log and may
// override; admins manage users and settings.
const (
	RoleClinician  Role = "clinician"
	RoleReviewer   Role = "reviewer"
	RoleCompliance Role = "compliance"
	RoleAdmin      Role = "admin"
)

// Roles lists every role, in a stable order.
var Roles = []Role{RoleClinician, RoleReviewer, RoleCompliance, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// User is a person who signs in to the service. Emails are unique within
// an org and kept in lower case. PasswordHash (an argon2id PHC string) is
// never serialised.
type User struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"org_id"`
	Email        string    `json:"email"`
	DisplayName  string    `json:"display_name"`
	Role         Role      `json:"role"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	Disabled     bool      `json:"disabled"`
}

// SocialAccount is one of a user's social-media accounts, the place a
// draft will be published.
type SocialAccount struct {
	ID       int64       `json:"id"`
	UserID   int64       `json:"user_id"`
	Platform string      `json:"platform"` // e.g. "x", "instagram", "google_reviews"
	Handle   string      `json:"handle"`
	Kind     AccountKind `json:"kind"`
}

// DraftStatus is where a draft stands in the review workflow.
type DraftStatus string

// Draft statuses. A draft is written (draft), screened and sent for review
// (in_review), then approved, sent back (changes_requested) or rejected;
// the screen may block it, compliance may override a block, and an
// approved or overridden draft is published.
const (
	DraftDraft            DraftStatus = "draft"
	DraftInReview         DraftStatus = "in_review"
	DraftChangesRequested DraftStatus = "changes_requested"
	DraftApproved         DraftStatus = "approved"
	DraftRejected         DraftStatus = "rejected"
	DraftBlocked          DraftStatus = "blocked"
	DraftOverridden       DraftStatus = "overridden"
	DraftPublished        DraftStatus = "published"
)

// DraftStatuses lists every draft status, in workflow order.
var DraftStatuses = []DraftStatus{DraftDraft, DraftInReview, DraftChangesRequested, DraftApproved,
	DraftRejected, DraftBlocked, DraftOverridden, DraftPublished}

// Valid reports whether s is a known draft status.
func (s DraftStatus) Valid() bool {
	for _, k := range DraftStatuses {
		if s == k {
			return true
		}
	}
	return false
}

// Draft is a text a clinician means to publish. It holds no text itself:
// the text is in its versions, every one of which is kept.
type Draft struct {
	ID        int64       `json:"id"`
	OrgID     int64       `json:"org_id"`
	AuthorID  int64       `json:"author_id"`
	AccountID int64       `json:"account_id,omitempty"` // 0: no account chosen yet
	Channel   Channel     `json:"channel"`
	Status    DraftStatus `json:"status"`
	Version   int         `json:"version"` // the current version, from 1
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// DraftVersion is one version of a draft's text and of the context it
// answers. Text and Context are PHI until screened: the store encrypts
// them at rest, and they must never appear in logs, errors or audit
// details.
type DraftVersion struct {
	DraftID   int64     `json:"draft_id"`
	Version   int       `json:"version"`
	Text      string    `json:"text"`
	Context   string    `json:"context,omitempty"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// ScreenRecord is the screen of one draft version: the engine's Result
// (which quotes no text) and its decision.
type ScreenRecord struct {
	ID         int64     `json:"id"`
	DraftID    int64     `json:"draft_id"`
	Version    int       `json:"version"`
	Result     Result    `json:"result"`
	Decision   Decision  `json:"decision"`
	ScreenedAt time.Time `json:"screened_at"`
}

// ReviewKind is what a reviewer did with a draft version.
type ReviewKind string

// Review kinds. Override is compliance's release of a blocked draft.
const (
	ReviewApprove        ReviewKind = "approve"
	ReviewRequestChanges ReviewKind = "request_changes"
	ReviewReject         ReviewKind = "reject"
	ReviewOverride       ReviewKind = "override"
)

// Valid reports whether k is a known review kind.
func (k ReviewKind) Valid() bool {
	switch k {
	case ReviewApprove, ReviewRequestChanges, ReviewReject, ReviewOverride:
		return true
	}
	return false
}

// ReviewAction is one reviewer's decision on one draft version. The
// comment may quote the draft, so the store encrypts it like draft text.
type ReviewAction struct {
	ID         int64      `json:"id"`
	DraftID    int64      `json:"draft_id"`
	Version    int        `json:"version"`
	ReviewerID int64      `json:"reviewer_id"`
	Action     ReviewKind `json:"action"`
	Comment    string     `json:"comment,omitempty"`
	At         time.Time  `json:"at"`
}

// ArchiveItem is the record of a published post, kept for the org's
// retention period (and longer while on legal hold): the text as
// published (encrypted at rest), the screen result and the chain of
// approvals as JSON.
type ArchiveItem struct {
	ID            int64           `json:"id"`
	DraftID       int64           `json:"draft_id"`
	OrgID         int64           `json:"org_id"`
	PublishedURL  string          `json:"published_url"`
	PublishedAt   time.Time       `json:"published_at"`
	Text          string          `json:"text"`
	ScreenResult  json.RawMessage `json:"screen_result"`
	ApprovalChain json.RawMessage `json:"approval_chain"`
	RetainUntil   time.Time       `json:"retain_until"`
	LegalHold     bool            `json:"legal_hold"`
}

// DraftImage is a picture attached to a draft. The store keeps two files,
// both encrypted: the original as uploaded (it may show PHI: a face, a
// wristband, GPS in its metadata), and the copy to publish, re-encoded
// without metadata with PHI text filled and faces blurred. Screen is the
// image's screen, which the draft's screens include. Name may identify a
// patient ("mrs-jones-wound.jpg"): the store encrypts it.
type DraftImage struct {
	ID      int64  `json:"id"`
	DraftID int64  `json:"draft_id"`
	OrgID   int64  `json:"org_id"`
	Name    string `json:"name"`
	// The original: its format ("jpeg", "png", "webp", "heif"),
	// dimensions, size and SHA-256.
	Format string `json:"format"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
	// The copy to publish: its format and SHA-256.
	CopyFormat string `json:"copy_format"`
	CopySHA256 string `json:"copy_sha256"`
	// Screen is what the image's screen found; it quotes no text.
	Screen    ImageScreen `json:"screen"`
	CreatedBy int64       `json:"created_by"`
	CreatedAt time.Time   `json:"created_at"`
}

// ImageScreen is the screen of one image: the decision and findings (of
// its metadata, faces, and the text in it), and what was checked.
type ImageScreen struct {
	Decision Decision  `json:"decision"`
	Findings []Finding `json:"findings"`
	// Metadata lists the kinds of metadata the original held ("EXIF" …),
	// all of them stripped from the copy.
	Metadata []string `json:"metadata"`
	// OCR and FaceCheck say whether the text and the faces in the pixels
	// were checked: "done", "not-installed" or "failed".
	OCR       string `json:"ocr"`
	FaceCheck string `json:"face_check"`
	// Faces counts the faces found; Filled the boxes of PHI text filled
	// in the copy, Blurred the faces blurred in it.
	Faces   int `json:"faces"`
	Filled  int `json:"filled"`
	Blurred int `json:"blurred"`
}

// OrgPolicy is one version of an organisation's routing policy: the TOML
// text of its routes (see package policy), numbered 1, 2, 3 … per org.
// Every version is kept; the highest is in force. It is configuration,
// kept in clear (not encrypted like draft text), so it must hold no PHI.
type OrgPolicy struct {
	OrgID     int64     `json:"org_id"`
	Version   int       `json:"version"`
	Text      string    `json:"text"`
	CreatedBy int64     `json:"created_by,omitempty"` // 0: the system
	CreatedAt time.Time `json:"created_at"`
}

// AuditAction names what an audit event records.
type AuditAction string

// Audit actions, "subject.verb".
const (
	ActionOrgCreate            AuditAction = "org.create"
	ActionUserCreate           AuditAction = "user.create"
	ActionUserPassword         AuditAction = "user.password"
	ActionUserDisable          AuditAction = "user.disable"
	ActionUserLogin            AuditAction = "user.login"
	ActionUserLogout           AuditAction = "user.logout"
	ActionUserLoginFailed      AuditAction = "user.login_failed"
	ActionTokenCreate          AuditAction = "token.create"
	ActionTokenRevoke          AuditAction = "token.revoke"
	ActionAccountCreate        AuditAction = "account.create"
	ActionScreen               AuditAction = "screen"
	ActionDraftCreate          AuditAction = "draft.create"
	ActionDraftEdit            AuditAction = "draft.edit"
	ActionDraftScreen          AuditAction = "draft.screen"
	ActionDraftSubmit          AuditAction = "draft.submit"
	ActionDraftStatus          AuditAction = "draft.status"
	ActionDraftBlock           AuditAction = "draft.block"
	ActionDraftOverride        AuditAction = "draft.override"
	ActionDraftPublish         AuditAction = "draft.publish"
	ActionReviewApprove        AuditAction = "review.approve"
	ActionReviewRequestChanges AuditAction = "review.request_changes"
	ActionReviewReject         AuditAction = "review.reject"
	ActionArchiveInsert        AuditAction = "archive.insert"
	ActionArchiveHold          AuditAction = "archive.hold"
	ActionArchiveRelease       AuditAction = "archive.release"
	ActionArchivePurge         AuditAction = "archive.purge"
	ActionArchiveExport        AuditAction = "archive.export"
	ActionRecordsExport        AuditAction = "records.export"
	ActionPHIView              AuditAction = "phi.view"
	ActionConsentCreate        AuditAction = "consent.create"
	ActionConsentLink          AuditAction = "consent.link"
	ActionConsentRevoke        AuditAction = "consent.revoke"
	ActionTakedownCreate       AuditAction = "takedown.create"
	ActionTakedownDone         AuditAction = "takedown.done"
	// Images attached to drafts: details hold the image id, its SHA-256,
	// format, size, decision and finding types, never the file name.
	ActionImageAttach AuditAction = "image.attach"
	ActionImageRemove AuditAction = "image.remove"
	// The watch: details hold counts, sources, ids and statuses, never
	// post text.
	ActionWatchImport   AuditAction = "watch.import"
	ActionWatchRescreen AuditAction = "watch.rescreen"
	ActionWatchResolve  AuditAction = "watch.resolve"
	ActionSourceAdd     AuditAction = "source.add"
	ActionSourceRemove  AuditAction = "source.remove"
	ActionSourcePoll    AuditAction = "source.poll"
	// Publishing credentials of a social account: details say which
	// account and platform, never the secret.
	ActionAccountCredentials AuditAction = "account.credentials"
	// Patient reviews: an import (details hold the counts and sites, never
	// review text or reviewers' names), marking a review as seen, and
	// linking a reply draft to it.
	ActionReviewImport AuditAction = "review.import"
	ActionReviewAck    AuditAction = "review.ack"
	ActionReviewReply  AuditAction = "review.reply"
	// ActionPolicyUpdate is a new version of an org's routing policy; its
	// details hold the version and the route names, never the text.
	ActionPolicyUpdate    AuditAction = "policy.update"
	ActionTrainingPublish AuditAction = "training.publish"
	ActionTrainingAttest  AuditAction = "training.attest"
	ActionIdentityImport  AuditAction = "identity.import"
	ActionUserNPI         AuditAction = "user.npi"
	ActionTieDeclare      AuditAction = "tie.declare"
	ActionTiePropose      AuditAction = "tie.propose"
	ActionTieConfirm      AuditAction = "tie.confirm"
	ActionTieDismiss      AuditAction = "tie.dismiss"
	ActionTieEnd          AuditAction = "tie.end"
	ActionKeyRotate       AuditAction = "key.rotate" // a key made, values re-encrypted, or old keys dropped
	// Colleague reports (AMA Opinion 2.3.2): details hold ids, statuses
	// and the deadline, never the content or the notes.
	ActionReportCreate   AuditAction = "report.create"
	ActionReportNotify   AuditAction = "report.notify"
	ActionReportRespond  AuditAction = "report.respond"
	ActionReportEscalate AuditAction = "report.escalate"
	ActionReportOutcome  AuditAction = "report.outcome"
	// Breach incidents (45 CFR 164.400–414): details hold ids, ratings,
	// counts and dates, never the description or the factors' texts.
	ActionBreachOpen     AuditAction = "breach.open"
	ActionBreachAssess   AuditAction = "breach.assess"
	ActionBreachDecide   AuditAction = "breach.decide"
	ActionBreachTaskDone AuditAction = "breach.task_done"
	ActionBreachClose    AuditAction = "breach.close"
	ActionBreachExport   AuditAction = "breach.export"
)

// AuditEvent is one entry of the append-only, hash-chained audit log.
// Hash is SHA-256 over the event's fields and PrevHash, the previous
// event's Hash (32 zero bytes for the first), so that an edit, deletion or
// reordering breaks the chain. Details is a JSON object of ids, counts and
// statuses: never PHI.
type AuditEvent struct {
	Seq         int64           `json:"seq"` // 1, 2, 3 … without gaps
	At          time.Time       `json:"at"`
	OrgID       int64           `json:"org_id,omitempty"`   // 0: not about one org
	ActorID     int64           `json:"actor_id,omitempty"` // 0: the system
	Action      AuditAction     `json:"action"`
	SubjectKind string          `json:"subject_kind,omitempty"` // "draft", "user", "archive_item" …
	SubjectID   string          `json:"subject_id,omitempty"`
	Details     json.RawMessage `json:"details"`
	PrevHash    []byte          `json:"prev_hash"`
	Hash        []byte          `json:"hash"`
}

package chaperone

import "time"

// Source kinds: where a published post was read from.
const (
	SourceXArchive         = "x-archive"         // the X/Twitter archive zip (data/tweets.js)
	SourceFacebookArchive  = "facebook-archive"  // Facebook's JSON export (your_posts_1.json)
	SourceInstagramArchive = "instagram-archive" // Instagram's JSON export (posts_1.json)
	SourceLinkedInArchive  = "linkedin-archive"  // LinkedIn's export (Shares.csv)
	SourceFeed             = "feed"              // an RSS or Atom feed
	SourceMastodon         = "mastodon"          // a Mastodon account's statuses (REST API)
	SourceBluesky          = "bluesky"           // a Bluesky author feed (XRPC)
)

// Post is one item already published somewhere, as a source reported it:
// an old tweet in an archive, a feed entry, a Mastodon status. Text may
// hold PHI: the store encrypts it, and it never goes into logs or errors.
// Source and ExternalID identify it, so that reading the same source
// again adds nothing twice.
type Post struct {
	Source     string    `json:"source"`
	ExternalID string    `json:"external_id"` // the platform's id, or the feed entry's GUID or link
	URL        string    `json:"url,omitempty"`
	Account    string    `json:"account,omitempty"` // the handle or feed it was published under
	At         time.Time `json:"at,omitzero"`       // when it was published
	Text       string    `json:"text"`
	// Channel is how it is screened: a post, a reply (InReplyTo names
	// what it answers), a comment.
	Channel   Channel `json:"channel"`
	InReplyTo string  `json:"in_reply_to,omitempty"`
}

// PostStatus is where a published post stands: clear, or a task open
// until someone edits or deletes it on the platform, accepts it as it is,
// or opens a breach incident for it.
type PostStatus string

// Post statuses.
const (
	PostClear    PostStatus = "clear"    // the screen allows it
	PostOpen     PostStatus = "open"     // the screen found something: a task for its author
	PostEdited   PostStatus = "edited"   // the author edited it on the platform
	PostDeleted  PostStatus = "deleted"  // the author deleted it from the platform
	PostAccepted PostStatus = "accepted" // compliance looked and let it stand
	PostIncident PostStatus = "incident" // a breach incident was opened for it
)

// PostStatuses are the statuses, in the order pages list them.
var PostStatuses = []PostStatus{PostOpen, PostIncident, PostEdited, PostDeleted, PostAccepted, PostClear}

// Resolved reports whether the status closes the post's task.
func (s PostStatus) Resolved() bool {
	return s == PostEdited || s == PostDeleted || s == PostAccepted || s == PostIncident
}

// PublishedPost is a post already published, kept with its latest screen:
// the watch's record of a clinician's presence. Findings open a task
// (Status open) for its author.
type PublishedPost struct {
	ID     int64 `json:"id"`
	OrgID  int64 `json:"org_id"`
	UserID int64 `json:"user_id"` // whose post it is
	Post
	Screen     Result    `json:"screen"`
	ScreenedAt time.Time `json:"screened_at"`
	// FlaggedAt is when its task last opened (zero: never flagged).
	FlaggedAt  time.Time  `json:"flagged_at,omitzero"`
	Status     PostStatus `json:"status"`
	ResolvedBy int64      `json:"resolved_by,omitempty"`
	ResolvedAt time.Time  `json:"resolved_at,omitzero"`
	IncidentID int64      `json:"incident_id,omitempty"`
	ImportedAt time.Time  `json:"imported_at"`
}

// Source is a place the watch reads a clinician's published posts from,
// again and again: an RSS or Atom feed, a Mastodon account, a Bluesky
// account. A job polls the enabled ones and keeps what is new.
type Source struct {
	ID     int64  `json:"id"`
	OrgID  int64  `json:"org_id"`
	UserID int64  `json:"user_id"` // whose posts they are
	Kind   string `json:"kind"`    // SourceFeed, SourceMastodon or SourceBluesky
	// Target is the feed's URL, the Mastodon account as user@server, or
	// the Bluesky handle.
	Target  string `json:"target"`
	Enabled bool   `json:"enabled"`
	// The last poll: when, what it added, and its error (empty when it
	// worked), which never quotes a post.
	PolledAt  time.Time `json:"polled_at,omitzero"`
	Added     int       `json:"added"`
	LastError string    `json:"last_error,omitempty"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// SourceKinds are the kinds of source a clinician may connect.
var SourceKinds = []string{SourceFeed, SourceMastodon, SourceBluesky}

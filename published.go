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

package chaperone

import (
	"context"
	"time"
)

// Publication is an approved text on its way to a platform.
type Publication struct {
	DraftID int64
	// IdempotencyKey is the same for every attempt to publish one draft
	// version, so that a retried publish never posts twice.
	IdempotencyKey string
	Platform       string
	AccountID      int64 // the social account it goes to, for the connector's credentials
	Handle         string
	Channel        Channel
	Text           string
	// InReplyTo is the platform's id or URL of what the text answers.
	InReplyTo string
	// Media are the pictures to post with the text: the copies chaperone
	// made (metadata stripped, PHI text filled, faces blurred), never the
	// originals.
	Media []Media
}

// Media is one picture of a publication.
type Media struct {
	ContentType string // "image/jpeg", "image/png"
	Data        []byte
	SHA256      string // hex, of Data
}

// Published is what a platform answered: where the post now lives.
type Published struct {
	URL string
	At  time.Time
}

// Connector posts approved texts to one platform (Mastodon, Bluesky …).
// The service calls Publish once a draft is approved, with retries that
// reuse the idempotency key; connectors must return the same Published for
// a key they have already posted. Implementations live outside the root
// package; the service holds one per platform.
type Connector interface {
	// Platform is the platform name that social accounts use ("mastodon").
	Platform() string
	Publish(ctx context.Context, p Publication) (Published, error)
}

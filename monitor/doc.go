// Package monitor is chaperone's watch on what clinicians have already
// published: it reads their posts from platform export archives (the X
// archive, Facebook's and Instagram's JSON exports, LinkedIn's Shares.csv),
// RSS and Atom feeds, Mastodon account statuses and Bluesky author feeds,
// and yields each as a chaperone.Post for the caller to store and screen.
// It also holds the Mastodon and Bluesky publishing connectors
// (chaperone.Connector) that post approved drafts.
//
// The service's import and watch jobs call it (and the CLI may); it imports
// no storage, screening or web code, and it never keeps anything: posts
// are handed to a callback as they are read. Every network request goes
// through a Fetcher, which refuses loopback and private addresses unless an
// admin allows them, and every reader works within Limits, so that a
// hostile archive, feed or server (a zip bomb, an entity-expansion
// document, an endless body, deeply nested JSON) is refused with a
// *chaperone.Error instead of exhausting memory or time. Errors never
// quote the text of a post.
package monitor

package monitor

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/chaperone-project/chaperone"
	"golang.org/x/net/html/charset"
)

// FeedSummary says what ParseFeed read.
type FeedSummary struct {
	Kind    string `json:"kind"` // "rss" (2.0), "rdf" (RSS 1.0) or "atom"
	Title   string `json:"title,omitempty"`
	Link    string `json:"link,omitempty"` // the site the feed is of
	Read    int    `json:"read"`
	Skipped int    `json:"skipped"` // entries with no text
}

// feedText is an element whose content may be text, escaped HTML or (in
// Atom) inline XHTML.
type feedText struct {
	Type  string `xml:"type,attr"`
	Text  string `xml:",chardata"`
	Inner string `xml:",innerxml"`
}

// feedLink is RSS's <link>URL</link> or Atom's <link rel href/>.
type feedLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Text string `xml:",chardata"`
}

// feedItem is an RSS <item> or an Atom <entry>, by local names: RSS 2.0's
// guid, pubDate, description and content:encoded; RSS 1.0's rdf:about and
// dc:date; Atom's id, published, updated, content and summary.
type feedItem struct {
	Title       feedText   `xml:"title"`
	Links       []feedLink `xml:"link"`
	GUID        string     `xml:"guid"`
	ID          string     `xml:"id"`
	About       string     `xml:"about,attr"`
	PubDate     string     `xml:"pubDate"`
	Published   string     `xml:"published"`
	Updated     string     `xml:"updated"`
	Date        string     `xml:"date"`
	Description feedText   `xml:"description"`
	Encoded     feedText   `xml:"encoded"`
	Content     []feedText `xml:"content"`
	Summary     feedText   `xml:"summary"`
}

// ParseFeed reads an RSS 2.0, RSS 1.0 (RDF) or Atom document from r and
// hands each entry to fn as a chaperone.Post of Source chaperone.SourceFeed
// and Account feedURL, its text the entry's title and content as plain
// text. ExternalID is the entry's guid or id, else its link, else a
// SHA-256 of its time and text, so that reading the feed again adds
// nothing twice. The service's feed watch calls it (through FetchFeed).
//
// The document is bounded by limits.EntryBytes, its entries by
// limits.Posts, each text by limits.TextBytes, element nesting by
// limits.Depth. Entities other than XML's five and HTML's named ones are
// refused, and a DTD's entity definitions are never expanded, so an
// entity-expansion ("billion laughs") document is refused early. Errors
// are *chaperone.Error and never quote the feed's text; an error from fn
// is returned as is.
func ParseFeed(ctx context.Context, r io.Reader, feedURL string, limits Limits, fn func(chaperone.Post) error) (FeedSummary, error) {
	l := limits.withDefaults()
	var sum FeedSummary
	br := &budgetReader{r: r, left: l.EntryBytes, limit: l.EntryBytes, name: "the feed"}
	dec := xml.NewDecoder(br)
	dec.Strict = true
	dec.Entity = xml.HTMLEntity
	dec.CharsetReader = charset.NewReaderLabel
	var stack []string
	n := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if sum.Kind == "" {
				return sum, errf(chaperone.ErrInvalid, "not an RSS or Atom feed: no root element")
			}
			return sum, nil
		}
		if err != nil {
			return sum, xmlErr(dec, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			local := t.Name.Local
			if len(stack) == 0 {
				switch local {
				case "rss":
					sum.Kind = "rss"
				case "RDF":
					sum.Kind = "rdf"
				case "feed":
					sum.Kind = "atom"
				default:
					return sum, errf(chaperone.ErrInvalid, "not an RSS or Atom feed: the root element is <%s>", trimTo(local, 40))
				}
			}
			if len(stack) >= l.Depth {
				return sum, errf(chaperone.ErrTooLarge, "the feed nests elements deeper than %d levels", l.Depth)
			}
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			isEntry := (local == "item" && sum.Kind != "atom") || (local == "entry" && sum.Kind == "atom")
			switch {
			case isEntry:
				var it feedItem
				if err := dec.DecodeElement(&it, &t); err != nil {
					return sum, xmlErr(dec, err)
				}
				n++
				if n > l.Posts {
					return sum, errf(chaperone.ErrTooLarge, "the feed has more than %d entries", l.Posts)
				}
				p, err := it.post(sum.Kind, feedURL, l)
				if err != nil {
					return sum, errf(chaperone.CodeOf(err), "entry %d: %s", n, err.(*chaperone.Error).Msg)
				}
				if strings.TrimSpace(p.Text) == "" {
					sum.Skipped++
					continue
				}
				if err := fn(p); err != nil {
					return sum, err
				}
				sum.Read++
				if n%256 == 0 {
					if err := ctx.Err(); err != nil {
						return sum, err
					}
				}
				continue
			case local == "title" && (parent == "channel" || parent == "feed") && sum.Title == "":
				var ft feedText
				if err := dec.DecodeElement(&ft, &t); err != nil {
					return sum, xmlErr(dec, err)
				}
				sum.Title = trimTo(strings.TrimSpace(ft.Text), 300)
				continue
			case local == "link" && (parent == "channel" || parent == "feed") && sum.Link == "":
				var fl feedLink
				if err := dec.DecodeElement(&fl, &t); err != nil {
					return sum, xmlErr(dec, err)
				}
				sum.Link = pickLink([]feedLink{fl})
				continue
			}
			stack = append(stack, local)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
}

// xmlErr describes a decoding error by line; it never quotes the input.
func xmlErr(dec *xml.Decoder, err error) error {
	var ce *chaperone.Error
	if errors.As(err, &ce) {
		return err
	}
	line, _ := dec.InputPos()
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		msg := se.Msg
		if strings.HasPrefix(msg, "invalid character entity") {
			msg = "an entity that is not XML's or HTML's (entity definitions are not expanded)"
		} else if len(msg) > 80 || strings.ContainsAny(msg, "\"'<>&") {
			msg = "malformed XML"
		}
		return errf(chaperone.ErrInvalid, "the feed is not well-formed XML: line %d: %s", se.Line, msg)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errf(chaperone.ErrInvalid, "the feed ends early near line %d", line)
	}
	return errf(chaperone.ErrInvalid, "the feed cannot be read near line %d", line)
}

// pickLink returns an item's web link: Atom's rel="alternate" (or no rel)
// href, or RSS's link text; only http(s) URLs.
func pickLink(links []feedLink) string {
	for _, want := range []string{"alternate", ""} {
		for _, l := range links {
			u := strings.TrimSpace(l.Href)
			if u == "" {
				u = strings.TrimSpace(l.Text)
			}
			if l.Rel == want && isWebURL(u) {
				return u
			}
		}
	}
	return ""
}

// isWebURL reports whether s is an absolute http(s) URL of sane length.
func isWebURL(s string) bool {
	if len(s) > 2048 {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// feedTimeLayouts are the date forms feeds use: RFC 822 (RSS 2.0, in its
// many variants) and RFC 3339 (Atom, dc:date).
var feedTimeLayouts = []string{
	time.RFC3339Nano, time.RFC3339, time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 02 Jan 2006 15:04 -0700", "2 Jan 2006 15:04:05 -0700", "02 Jan 2006 15:04:05 MST", time.RFC822Z, time.RFC822,
	"Mon, 2 Jan 2006 15:04:05 Z", "2006-01-02T15:04:05", "2006-01-02",
}

func parseFeedTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, l := range feedTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// plain renders a feed text as plain text: Atom's type="text" as is,
// XHTML and HTML (and RSS, whose descriptions are HTML) without markup.
func (t feedText) plain(kind string, limit int) string {
	switch {
	case kind == "atom" && t.Type == "xhtml":
		return htmlToText(t.Inner, limit)
	case kind == "atom" && (t.Type == "" || t.Type == "text" || t.Type == "text/plain"):
		return strings.TrimSpace(trimTo(t.Text, limit))
	}
	return htmlToText(t.Text, limit)
}

// post turns an entry into a Post.
func (it *feedItem) post(kind, feedURL string, l Limits) (chaperone.Post, error) {
	p := chaperone.Post{Source: chaperone.SourceFeed, Account: feedURL, Channel: chaperone.ChannelPost}
	p.URL = pickLink(it.Links)
	guid := strings.TrimSpace(it.GUID)
	if p.URL == "" && isWebURL(guid) {
		p.URL = guid
	}
	for _, s := range []string{it.ID, guid, it.About, p.URL} {
		if s = strings.TrimSpace(s); s != "" && len(s) <= 2048 {
			p.ExternalID = s
			break
		}
	}
	for _, s := range []string{it.Published, it.PubDate, it.Date, it.Updated} {
		if t := parseFeedTime(s); !t.IsZero() {
			p.At = t
			break
		}
	}
	var body feedText
	switch {
	case kind == "atom" && len(it.Content) > 0 && strings.TrimSpace(it.Content[0].Inner) != "":
		body = it.Content[0]
	case kind == "atom":
		body = it.Summary
	case strings.TrimSpace(it.Encoded.Text) != "":
		body = it.Encoded
	default:
		body = it.Description
	}
	if len(it.Title.Inner)+len(body.Inner) > 4*l.TextBytes {
		return p, errf(chaperone.ErrTooLarge, "the text is longer than %s", sizeMB(int64(l.TextBytes)))
	}
	title := it.Title.plain(kind, l.TextBytes)
	text := body.plain(kind, l.TextBytes+1)
	switch t := strings.TrimRight(strings.TrimSuffix(title, "…"), ". "); {
	case text == "":
		text = title
	case title == "" || strings.HasPrefix(text, t):
		// No title, or the title is the text's start, as many feeds make it.
	default:
		text = title + "\n\n" + text
	}
	if len(text) > l.TextBytes {
		return p, errf(chaperone.ErrTooLarge, "the text is longer than %s", sizeMB(int64(l.TextBytes)))
	}
	p.Text = text
	if p.ExternalID == "" {
		p.ExternalID = contentID(p.At, p.Text)
	}
	return p, nil
}

// FetchFeed fetches the feed at feedURL through f and parses it with
// ParseFeed. The service's feed watch calls it.
func FetchFeed(ctx context.Context, f *Fetcher, feedURL string, limits Limits, fn func(chaperone.Post) error) (FeedSummary, error) {
	resp, err := f.Get(ctx, feedURL, "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1")
	if err != nil {
		return FeedSummary{}, err
	}
	host := resp.URL.Hostname()
	if resp.StatusCode != 200 {
		return FeedSummary{}, errf(chaperone.ErrUnavailable, "the feed at %s answered %d", host, resp.StatusCode)
	}
	sum, err := ParseFeed(ctx, bytes.NewReader(resp.Body), feedURL, limits, fn)
	if err != nil {
		var ce *chaperone.Error
		if errors.As(err, &ce) {
			return sum, &chaperone.Error{Code: ce.Code, Msg: "the feed at " + host + ": " + ce.Msg}
		}
	}
	return sum, err
}

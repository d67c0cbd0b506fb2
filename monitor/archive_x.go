package monitor

import (
	"html"
	"io"
	"strings"
	"time"

	"github.com/chaperone-project/chaperone"
)

// xTweet is one tweet of the X archive's data/tweets.js, with the fields
// chaperone reads. The archive writes ids as strings.
type xTweet struct {
	IDStr                string `json:"id_str"`
	ID                   string `json:"id"`
	FullText             string `json:"full_text"`
	Text                 string `json:"text"` // archives before 2019
	CreatedAt            string `json:"created_at"`
	InReplyToStatusIDStr string `json:"in_reply_to_status_id_str"`
	InReplyToScreenName  string `json:"in_reply_to_screen_name"`
}

// xItem is an element of the array: {"tweet": {…}} since 2019, the
// tweet's fields themselves before.
type xItem struct {
	Tweet *xTweet `json:"tweet"`
	xTweet
}

// xAccountItem is an element of data/account.js.
type xAccountItem struct {
	Account struct {
		Username string `json:"username"`
	} `json:"account"`
}

// xAccount reads the handle from data/account.js.
func (rd *reader) xAccount(name string, r io.Reader) error {
	return jsonArray(rd, name, r, "window.YTD.", func(i int, v *xAccountItem) error {
		if rd.sum.Account == "" && validHandle(v.Account.Username) {
			rd.sum.Account = v.Account.Username
		}
		return nil
	})
}

// validHandle reports whether s may be put in a URL path as an X handle.
func validHandle(s string) bool {
	if s == "" || len(s) > 50 {
		return false
	}
	for _, c := range s {
		if !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// validID reports whether s is a decimal platform id.
func validID(s string) bool {
	if s == "" || len(s) > 30 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// xTweets reads one data/tweets*.js part.
func (rd *reader) xTweets(name string, r io.Reader) error {
	account := rd.sum.Account
	return jsonArray(rd, name, r, "window.YTD.", func(i int, v *xItem) error {
		t := v.Tweet
		if t == nil {
			t = &v.xTweet
		}
		id := t.IDStr
		if id == "" {
			id = t.ID
		}
		if !validID(id) {
			return errf(chaperone.ErrInvalid, "%s: post %d: no numeric id_str", name, i+1)
		}
		at, err := time.Parse(time.RubyDate, t.CreatedAt)
		if err != nil {
			return errf(chaperone.ErrInvalid, "%s: post %d (id %s): created_at is not in X's \"Wed Oct 10 20:19:24 +0000 2018\" form", name, i+1, id)
		}
		raw := t.FullText
		if raw == "" {
			raw = t.Text
		}
		raw, err = rd.textOf(name, i, raw)
		if err != nil {
			return err
		}
		// X escapes &, < and > in the archive's text.
		text := html.UnescapeString(raw)
		p := chaperone.Post{Source: chaperone.SourceXArchive, ExternalID: id, Account: account, At: at.UTC(), Text: text, Channel: chaperone.ChannelPost}
		if account != "" {
			p.URL = "https://x.com/" + account + "/status/" + id
		} else {
			p.URL = "https://x.com/i/status/" + id
		}
		if rid := t.InReplyToStatusIDStr; validID(rid) {
			if who := t.InReplyToScreenName; validHandle(who) {
				p.InReplyTo = "https://x.com/" + who + "/status/" + rid
				// A reply to one's own post continues a thread: a post.
				if !strings.EqualFold(who, account) {
					p.Channel = chaperone.ChannelReply
				}
			} else {
				p.InReplyTo = "https://x.com/i/status/" + rid
				p.Channel = chaperone.ChannelReply
			}
		}
		reason := ""
		if strings.HasPrefix(raw, "RT @") {
			reason = "retweet"
		}
		return rd.emit(name, i, p, reason)
	})
}

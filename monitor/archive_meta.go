package monitor

import (
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chaperone-project/chaperone"
)

// Facebook's and Instagram's JSON exports (Meta's "Download your
// information"). Both write every string's UTF-8 bytes as \u00XX escapes,
// one per byte, which fixMojibake undoes.

// fbPost is one element of Facebook's your_posts_1.json (or
// your_posts__check_ins__photos_and_videos_1.json).
type fbPost struct {
	Timestamp int64  `json:"timestamp"`
	Title     string `json:"title"`
	Data      []struct {
		Post string `json:"post"`
	} `json:"data"`
	Attachments []struct {
		Data []struct {
			Media *struct {
				Description string `json:"description"`
			} `json:"media"`
			ExternalContext *struct {
				URL string `json:"url"`
			} `json:"external_context"`
		} `json:"data"`
	} `json:"attachments"`
}

// fbPosts reads one Facebook posts file. A post's text is its "post"
// strings and its pictures' descriptions (captions the clinician wrote);
// the title ("… updated her status.") is Facebook's, not theirs.
func (rd *reader) fbPosts(name string, r io.Reader) error {
	return jsonArray(rd, name, r, "", func(i int, v *fbPost) error {
		if v.Timestamp <= 0 {
			return errf(chaperone.ErrInvalid, "%s: post %d: no timestamp", name, i+1)
		}
		var parts []string
		n := 0
		add := func(s string) error {
			if s = strings.TrimSpace(s); s == "" {
				return nil
			}
			n += len(s)
			if n > rd.l.TextBytes {
				_, err := rd.textOf(name, i, strings.Repeat(" ", n))
				return err
			}
			parts = append(parts, fixMojibake(s))
			return nil
		}
		for _, d := range v.Data {
			if err := add(d.Post); err != nil {
				return err
			}
		}
		for _, a := range v.Attachments {
			for _, d := range a.Data {
				if d.Media != nil {
					if err := add(d.Media.Description); err != nil {
						return err
					}
				}
			}
		}
		p := chaperone.Post{Source: chaperone.SourceFacebookArchive, At: time.Unix(v.Timestamp, 0).UTC(), Text: strings.Join(parts, "\n\n")}
		return rd.emit(name, i, p, "")
	})
}

// igMedia is one picture or video of an Instagram post.
type igMedia struct {
	URI               string `json:"uri"`
	CreationTimestamp int64  `json:"creation_timestamp"`
	Title             string `json:"title"`
}

// igPost is one element of Instagram's posts_1.json: a post of several
// pictures has its caption and time at the top; a post of one has them in
// its media.
type igPost struct {
	Media             []igMedia `json:"media"`
	Title             string    `json:"title"`
	CreationTimestamp int64     `json:"creation_timestamp"`
}

// igPosts reads one Instagram posts file.
func (rd *reader) igPosts(name string, r io.Reader) error {
	return jsonArray(rd, name, r, "", func(i int, v *igPost) error {
		title, ts := v.Title, v.CreationTimestamp
		if len(v.Media) > 0 {
			if title == "" {
				title = v.Media[0].Title
			}
			if ts == 0 {
				ts = v.Media[0].CreationTimestamp
			}
		}
		if ts <= 0 {
			return errf(chaperone.ErrInvalid, "%s: post %d: no creation_timestamp", name, i+1)
		}
		title, err := rd.textOf(name, i, title)
		if err != nil {
			return err
		}
		p := chaperone.Post{Source: chaperone.SourceInstagramArchive, Account: rd.sum.Account,
			At: time.Unix(ts, 0).UTC(), Text: fixMojibake(strings.TrimSpace(title))}
		return rd.emit(name, i, p, "")
	})
}

// igPersonal reads the account's username from Instagram's
// personal_information.json.
func (rd *reader) igPersonal(name string, r io.Reader) error {
	var v struct {
		ProfileUser []struct {
			StringMapData map[string]struct {
				Value string `json:"value"`
			} `json:"string_map_data"`
		} `json:"profile_user"`
	}
	if err := decodeJSON(rd, name, r, &v); err != nil {
		return err
	}
	for _, u := range v.ProfileUser {
		if h := fixMojibake(u.StringMapData["Username"].Value); h != "" && len(h) <= 100 && validIGHandle(h) {
			rd.sum.Account = h
			return nil
		}
	}
	return nil
}

// validIGHandle reports whether s looks like an Instagram username.
func validIGHandle(s string) bool {
	for _, c := range s {
		if !(c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return s != ""
}

// fixMojibake undoes Meta's export encoding: UTF-8 bytes written as one
// \u00XX escape each, so that "é" arrives as "Ã©". A string whose runes
// are all below U+0100 and whose bytes, taken one per rune, are valid
// UTF-8 is repaired; anything else is left as it is.
func fixMojibake(s string) string {
	high := false
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			high = true
			break
		}
	}
	if !high {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xFF {
			return s
		}
		b = append(b, byte(r))
	}
	if !utf8.Valid(b) {
		return s
	}
	return string(b)
}

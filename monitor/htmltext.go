package monitor

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlToText renders HTML (a feed entry, a Mastodon status) as the plain
// text a reader sees: tags dropped, entities decoded, paragraphs and line
// breaks kept as new lines, scripts and styles left out, pictures' alt
// text kept (it is published too). Output stops at limit bytes.
func htmlToText(s string, limit int) string {
	if !strings.ContainsAny(s, "<&") {
		return strings.TrimSpace(s)
	}
	z := html.NewTokenizerFragment(strings.NewReader(s), "div")
	z.SetMaxBuf(1 << 20)
	var b strings.Builder
	skip := 0
	space := false // a space is pending
	nl := 0        // new lines pending
	write := func(t string) {
		if len(t) > 0 && isSpace(t[0]) {
			space = true
		}
		for i, f := range strings.Fields(t) {
			if b.Len() > 0 {
				if nl > 0 {
					b.WriteString(strings.Repeat("\n", min(nl, 2)))
				} else if space || i > 0 {
					b.WriteByte(' ')
				}
			}
			nl, space = 0, false
			b.WriteString(f)
		}
		if len(t) > 0 && isSpace(t[len(t)-1]) {
			space = true
		}
	}
	for b.Len() < limit {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.TrimSpace(trimTo(b.String(), limit))
		case html.TextToken:
			if skip == 0 {
				write(string(z.Text()))
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Script, atom.Style, atom.Template, atom.Noscript:
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case atom.Br:
				nl = max(nl, 1)
			case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Blockquote, atom.Pre, atom.Tr, atom.Table,
				atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Hr, atom.Figure, atom.Figcaption, atom.Section, atom.Article:
				if a == atom.Li || a == atom.Tr {
					nl = max(nl, 1)
				} else {
					nl = 2
				}
			case atom.Img:
				for hasAttr && skip == 0 {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "alt" && len(v) > 0 {
						write(" " + string(v) + " ")
					}
				}
			}
		}
	}
	return strings.TrimSpace(trimTo(b.String(), limit))
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' }

// trimTo cuts s to at most n bytes at a rune boundary.
func trimTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

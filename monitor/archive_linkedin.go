package monitor

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/chaperone-project/chaperone"
)

// liShares reads LinkedIn's Shares.csv: a header row (Date, ShareLink,
// ShareCommentary, SharedUrl, MediaUrl, Visibility) and one row per share,
// the commentary quoted and often spanning lines.
func (rd *reader) liShares(name string, r io.Reader) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return csvErr(name, 0, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	di, ok1 := col["Date"]
	ci, ok2 := col["ShareCommentary"]
	if !ok1 || !ok2 {
		return errf(chaperone.ErrInvalid, "not an X, Facebook, Instagram or LinkedIn export: %s has no Date and ShareCommentary columns", name)
	}
	li, hasLink := col["ShareLink"]
	field := func(rec []string, i int) string {
		if i < len(rec) {
			return rec[i]
		}
		return ""
	}
	for i := 0; ; i++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvErr(name, i+1, err)
		}
		line, _ := cr.FieldPos(0)
		at, err := time.Parse("2006-01-02 15:04:05", strings.TrimSpace(field(rec, di)))
		if err != nil {
			return errf(chaperone.ErrInvalid, "%s: line %d (post %d): the Date is not in LinkedIn's 2006-01-02 15:04:05 form", name, line, i+1)
		}
		text, err := rd.textOf(name, i, field(rec, ci))
		if err != nil {
			return err
		}
		p := chaperone.Post{Source: chaperone.SourceLinkedInArchive, At: at.UTC(), Text: strings.TrimSpace(text)}
		if hasLink {
			if link := strings.TrimSpace(field(rec, li)); strings.HasPrefix(link, "https://") && len(link) <= 2048 {
				p.URL, p.ExternalID = link, link
			}
		}
		if err := rd.emit(name, i, p, ""); err != nil {
			return err
		}
	}
}

// csvErr describes a CSV error by line; it never quotes the input.
func csvErr(name string, post int, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return errf(chaperone.ErrInvalid, "%s: line %d: %v", name, pe.StartLine, pe.Err)
	}
	var ce *chaperone.Error
	if errors.As(err, &ce) {
		return err
	}
	if errors.Is(err, io.EOF) && post == 0 {
		return errf(chaperone.ErrInvalid, "%s is empty", name)
	}
	return wrapf(chaperone.ErrInvalid, err, "%s: reading post %d", name, post)
}

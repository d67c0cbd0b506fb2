package monitor

import (
	"errors"
	"fmt"
	"io"

	"github.com/chaperone-project/chaperone"
)

// Limits bound what one read may cost. ReadArchive and ParseFeed take
// them (the Mastodon and Bluesky clients are bounded by their Fetcher's
// body limit instead); a zero field means the default (DefaultLimits).
// Input over a limit is refused with a *chaperone.Error of code ErrTooLarge.
type Limits struct {
	ArchiveBytes int64 // the archive or bare export file, as given
	Entries      int   // zip entries examined (names checked)
	EntryBytes   int64 // bytes actually inflated from one entry that is read (or a bare file, or a feed)
	TotalBytes   int64 // bytes actually inflated from all the entries read
	Posts        int   // posts read from one archive or feed (yielded and skipped)
	TextBytes    int   // one post's text
	Depth        int   // nesting of JSON arrays and objects, and of XML elements
}

// DefaultLimits are generous for real exports (a decade of tweets is a
// few hundred MB of JSON) and small enough that hostile input stops early.
func DefaultLimits() Limits {
	return Limits{
		ArchiveBytes: 8 << 30, // X archives carry every picture; only the data files are read
		Entries:      500_000,
		EntryBytes:   512 << 20,
		TotalBytes:   1 << 30,
		Posts:        2_000_000,
		TextBytes:    256 << 10,
		Depth:        64,
	}
}

// withDefaults returns l with each zero field set to its default.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.ArchiveBytes <= 0 {
		l.ArchiveBytes = d.ArchiveBytes
	}
	if l.Entries <= 0 {
		l.Entries = d.Entries
	}
	if l.EntryBytes <= 0 {
		l.EntryBytes = d.EntryBytes
	}
	if l.TotalBytes <= 0 {
		l.TotalBytes = d.TotalBytes
	}
	if l.Posts <= 0 {
		l.Posts = d.Posts
	}
	if l.TextBytes <= 0 {
		l.TextBytes = d.TextBytes
	}
	if l.Depth <= 0 {
		l.Depth = d.Depth
	}
	return l
}

// errf returns a *chaperone.Error; messages never hold a post's text.
func errf(code chaperone.ErrorCode, format string, args ...any) error {
	return chaperone.Errorf(code, format, args...)
}

// wrapf returns a *chaperone.Error with cause err, keeping the code of a
// *chaperone.Error already in err's chain (a limit crossed deep inside a
// decoder stays ErrTooLarge).
func wrapf(code chaperone.ErrorCode, err error, format string, args ...any) error {
	var ce *chaperone.Error
	if errors.As(err, &ce) {
		return &chaperone.Error{Code: ce.Code, Msg: fmt.Sprintf(format, args...) + ": " + ce.Msg}
	}
	return &chaperone.Error{Code: code, Msg: fmt.Sprintf(format, args...), Err: err}
}

// sizeMB renders a byte limit for messages.
func sizeMB(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// budgetReader reads from r and fails with ErrTooLarge once more than
// left bytes (of the entry) or more than *total bytes (shared by the
// entries of an archive) have actually come through: the count is of bytes
// inflated, never of what a header claims.
type budgetReader struct {
	r     io.Reader
	left  int64
	total *int64 // may be nil
	name  string
	limit int64
	tlim  int64
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, errf(chaperone.ErrTooLarge, "%s is larger than %s uncompressed", b.name, sizeMB(b.limit))
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	if b.total != nil {
		*b.total -= int64(n)
		if *b.total < 0 {
			return n, errf(chaperone.ErrTooLarge, "the archive's data files are larger than %s uncompressed in all", sizeMB(b.tlim))
		}
	}
	if b.left < 0 {
		return n, errf(chaperone.ErrTooLarge, "%s is larger than %s uncompressed", b.name, sizeMB(b.limit))
	}
	return n, err
}

// depthReader passes JSON through and fails once arrays and objects nest
// deeper than max, so that a decoder never recurses on hostile input.
type depthReader struct {
	r          io.Reader
	max, depth int
	inStr, esc bool
	name       string
}

func (d *depthReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	for i := 0; i < n; i++ {
		c := p[i]
		switch {
		case d.inStr:
			switch {
			case d.esc:
				d.esc = false
			case c == '\\':
				d.esc = true
			case c == '"':
				d.inStr = false
			}
		case c == '"':
			d.inStr = true
		case c == '[' || c == '{':
			d.depth++
			if d.depth > d.max {
				return i, errf(chaperone.ErrTooLarge, "%s nests JSON deeper than %d levels", d.name, d.max)
			}
		case c == ']' || c == '}':
			d.depth--
		}
	}
	return n, err
}

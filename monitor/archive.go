package monitor

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chaperone-project/chaperone"
)

// Summary says what ReadArchive read.
type Summary struct {
	// Format is the export's source kind: chaperone.SourceXArchive,
	// SourceFacebookArchive, SourceInstagramArchive or SourceLinkedInArchive.
	Format  string   `json:"format"`
	Account string   `json:"account,omitempty"` // the handle the export names, if it does
	Entries int      `json:"entries"`           // zip entries examined (0 for a bare file)
	Files   []string `json:"files"`             // the entries (or the bare file) read for posts
	Read    int      `json:"read"`              // posts handed to the callback
	Skipped int      `json:"skipped"`
	// SkipReasons counts the skipped posts by why: "retweet" (X reposts of
	// someone else's words), "empty" (no text: a picture without caption, a
	// reshare without comment).
	SkipReasons map[string]int `json:"skip_reasons,omitempty"`
}

func (s *Summary) skip(reason string) {
	s.Skipped++
	if s.SkipReasons == nil {
		s.SkipReasons = map[string]int{}
	}
	s.SkipReasons[reason]++
}

// ReadArchive reads a platform export, detects which one it is and hands
// each post to fn, in the export's order, as it is read: nothing is kept.
// r holds size bytes: a zip archive (the X archive with data/tweets.js, a
// Facebook or Instagram JSON export, a LinkedIn export with Shares.csv) or
// one bare export file (tweets.js, your_posts_1.json, posts_1.json,
// Shares.csv). Nothing is extracted to disk.
//
// The service's archive import calls it and stores and screens each post;
// posts carry Source and a stable ExternalID (the platform's id, else the
// post's link, else a SHA-256 of its time and text), so importing the same
// export again adds nothing twice. An error from fn stops the read and is
// returned as is. Other errors are *chaperone.Error: ErrInvalid for what
// is not an export or is malformed or hostile (entry names with ".." or
// absolute paths), ErrTooLarge for input over limits. Posts already handed
// to fn before an error stay handed. ctx cancels between posts.
func ReadArchive(ctx context.Context, r io.ReaderAt, size int64, limits Limits, fn func(chaperone.Post) error) (Summary, error) {
	l := limits.withDefaults()
	var sum Summary
	if size > l.ArchiveBytes {
		return sum, errf(chaperone.ErrTooLarge, "the export is larger than %s", sizeMB(l.ArchiveBytes))
	}
	if size <= 0 {
		return sum, errf(chaperone.ErrInvalid, "not an X, Facebook, Instagram or LinkedIn export: the file is empty")
	}
	head := make([]byte, min(size, 512))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return sum, wrapf(chaperone.ErrInvalid, err, "reading the export")
	}
	rd := &reader{ctx: ctx, l: l, fn: fn, sum: &sum, total: l.TotalBytes}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")) {
		return sum, rd.zip(r, size)
	}
	return sum, rd.bare(io.NewSectionReader(r, 0, size), head)
}

// reader holds the state of one ReadArchive.
type reader struct {
	ctx   context.Context
	l     Limits
	fn    func(chaperone.Post) error
	sum   *Summary
	total int64 // bytes left of TotalBytes
	seen  int   // posts read, yielded or skipped
}

// emit checks a post against the limits and hands it to the callback, or
// counts it skipped when reason is not "".
func (rd *reader) emit(where string, i int, p chaperone.Post, reason string) error {
	rd.seen++
	if rd.seen > rd.l.Posts {
		return errf(chaperone.ErrTooLarge, "the export has more than %d posts", rd.l.Posts)
	}
	if rd.seen%256 == 0 {
		if err := rd.ctx.Err(); err != nil {
			return err
		}
	}
	if reason == "" && strings.TrimSpace(p.Text) == "" {
		reason = "empty"
	}
	if reason != "" {
		rd.sum.skip(reason)
		return nil
	}
	if len(p.Text) > rd.l.TextBytes {
		return errf(chaperone.ErrTooLarge, "%s: post %d: the text is longer than %s", where, i+1, sizeMB(int64(rd.l.TextBytes)))
	}
	if !utf8.ValidString(p.Text) {
		p.Text = strings.ToValidUTF8(p.Text, "\uFFFD")
	}
	if p.Channel == "" {
		p.Channel = chaperone.ChannelPost
	}
	if p.ExternalID == "" {
		p.ExternalID = contentID(p.At, p.Text)
	}
	if err := rd.fn(p); err != nil {
		return &callbackError{err}
	}
	rd.sum.Read++
	return nil
}

// callbackError carries fn's error through the readers untouched.
type callbackError struct{ err error }

func (e *callbackError) Error() string { return e.err.Error() }

// contentID is the ExternalID of a post whose export gives neither id nor
// link: stable across re-imports of the same export.
func contentID(at time.Time, text string) string {
	h := sha256.Sum256([]byte(at.UTC().Format(time.RFC3339) + "\x00" + text))
	return "sha256:" + hex.EncodeToString(h[:])
}

// Entry names of the exports, relative to any folder the export was
// unpacked and zipped again under.
var (
	xTweetsRE    = regexp.MustCompile(`(^|/)data/tweets?(-part\d+)?\.js$`)
	xAccountRE   = regexp.MustCompile(`(^|/)data/account\.js$`)
	fbPostsRE    = regexp.MustCompile(`(^|/)posts/(your_posts|your_posts__check_ins__photos_and_videos)_\d+\.json$`)
	igPostsRE    = regexp.MustCompile(`(^|/)(content|media)/posts_\d+\.json$`)
	igPersonalRE = regexp.MustCompile(`(^|/)personal_information\.json$`)
	liSharesRE   = regexp.MustCompile(`(^|/)Shares\.csv$`)
)

// hostileName reports why a zip entry name is refused, or "".
func hostileName(name string) string {
	n := strings.ReplaceAll(name, `\`, "/")
	switch {
	case name == "":
		return "an empty name"
	case strings.HasPrefix(n, "/"):
		return "an absolute path"
	case len(n) >= 2 && n[1] == ':':
		return "a drive letter"
	case strings.ContainsRune(name, 0):
		return "a NUL byte"
	}
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			return "a \"..\" component"
		}
	}
	return ""
}

// zip reads a zip export.
func (rd *reader) zip(r io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(r, size)
	if errors.Is(err, zip.ErrInsecurePath) {
		err = nil // names are checked below, with the reason
	}
	if err != nil {
		return wrapf(chaperone.ErrInvalid, err, "not an X, Facebook, Instagram or LinkedIn export: the zip cannot be read")
	}
	if len(zr.File) > rd.l.Entries {
		return errf(chaperone.ErrTooLarge, "the zip has %d entries, more than the %d examined", len(zr.File), rd.l.Entries)
	}
	rd.sum.Entries = len(zr.File)
	var tweets, accounts, fb, ig, igp, li []*zip.File
	for i, f := range zr.File {
		if why := hostileName(f.Name); why != "" {
			return errf(chaperone.ErrInvalid, "the zip's entry %d has %s in its name: refused as hostile", i+1, why)
		}
		if f.FileInfo().IsDir() {
			continue
		}
		switch {
		case xTweetsRE.MatchString(f.Name):
			tweets = append(tweets, f)
		case xAccountRE.MatchString(f.Name):
			accounts = append(accounts, f)
		case fbPostsRE.MatchString(f.Name):
			fb = append(fb, f)
		case igPostsRE.MatchString(f.Name):
			ig = append(ig, f)
		case igPersonalRE.MatchString(f.Name):
			igp = append(igp, f)
		case liSharesRE.MatchString(f.Name):
			li = append(li, f)
		}
	}
	byPart := func(fs []*zip.File) {
		sort.SliceStable(fs, func(i, j int) bool { return partOf(fs[i].Name) < partOf(fs[j].Name) })
	}
	switch {
	case len(tweets) > 0:
		rd.sum.Format = chaperone.SourceXArchive
		if len(accounts) > 0 {
			if err := rd.withEntry(accounts[0], rd.xAccount); err != nil {
				return err
			}
		}
		byPart(tweets)
		for _, f := range tweets {
			if err := rd.withEntry(f, rd.xTweets); err != nil {
				return err
			}
		}
	case len(ig) > 0:
		rd.sum.Format = chaperone.SourceInstagramArchive
		if len(igp) > 0 {
			if err := rd.withEntry(igp[0], rd.igPersonal); err != nil {
				return err
			}
		}
		byPart(ig)
		for _, f := range ig {
			if err := rd.withEntry(f, rd.igPosts); err != nil {
				return err
			}
		}
	case len(fb) > 0:
		rd.sum.Format = chaperone.SourceFacebookArchive
		byPart(fb)
		for _, f := range fb {
			if err := rd.withEntry(f, rd.fbPosts); err != nil {
				return err
			}
		}
	case len(li) > 0:
		rd.sum.Format = chaperone.SourceLinkedInArchive
		if err := rd.withEntry(li[0], rd.liShares); err != nil {
			return err
		}
	default:
		return errf(chaperone.ErrInvalid, "not an X, Facebook, Instagram or LinkedIn export: the zip has none of data/tweets.js, posts/your_posts_1.json, content/posts_1.json or Shares.csv")
	}
	return nil
}

// partOf is the number of an export's part file (tweets-part2.js,
// posts_3.json), so parts are read in order.
var partRE = regexp.MustCompile(`(\d+)\.(js|json)$`)

func partOf(name string) int {
	m := partRE.FindStringSubmatch(name)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// withEntry opens a zip entry within the limits and reads it with read.
func (rd *reader) withEntry(f *zip.File, read func(name string, r io.Reader) error) error {
	if f.UncompressedSize64 > uint64(rd.l.EntryBytes) {
		return errf(chaperone.ErrTooLarge, "%s is larger than %s uncompressed", f.Name, sizeMB(rd.l.EntryBytes))
	}
	rc, err := f.Open()
	if err != nil {
		return wrapf(chaperone.ErrInvalid, err, "%s cannot be read", f.Name)
	}
	defer rc.Close()
	rd.sum.Files = append(rd.sum.Files, f.Name)
	br := &budgetReader{r: rc, left: rd.l.EntryBytes, limit: rd.l.EntryBytes, total: &rd.total, tlim: rd.l.TotalBytes, name: f.Name}
	return rd.finish(f.Name, read(f.Name, br))
}

// finish turns a reader's error into the one ReadArchive returns.
func (rd *reader) finish(name string, err error) error {
	var cb *callbackError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &cb):
		return cb.err
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	var ce *chaperone.Error
	if errors.As(err, &ce) {
		return err
	}
	return wrapf(chaperone.ErrInvalid, err, "%s", name)
}

// bare reads an export file given on its own.
func (rd *reader) bare(r io.Reader, head []byte) error {
	br := &budgetReader{r: r, left: rd.l.EntryBytes, limit: rd.l.EntryBytes, total: &rd.total, tlim: rd.l.TotalBytes, name: "the file"}
	h := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n")
	switch {
	case bytes.HasPrefix(h, []byte("window.YTD.")):
		rd.sum.Format = chaperone.SourceXArchive
		rd.sum.Files = []string{"tweets.js"}
		return rd.finish("tweets.js", rd.xTweets("tweets.js", br))
	case bytes.HasPrefix(h, []byte("Date,")) || bytes.HasPrefix(h, []byte(`"Date",`)):
		rd.sum.Format = chaperone.SourceLinkedInArchive
		rd.sum.Files = []string{"Shares.csv"}
		return rd.finish("Shares.csv", rd.liShares("Shares.csv", br))
	case bytes.HasPrefix(h, []byte("[")) || bytes.HasPrefix(h, []byte("{")):
		// Facebook's and Instagram's posts files differ in their keys:
		// read the file (within EntryBytes) and look at the first post.
		data, err := io.ReadAll(br)
		if err != nil {
			return rd.finish("the file", err)
		}
		format, err := jsonExportKind(data, rd.l.Depth)
		if err != nil {
			return err
		}
		rd.sum.Format = format
		if format == chaperone.SourceInstagramArchive {
			rd.sum.Files = []string{"posts_1.json"}
			return rd.finish("posts_1.json", rd.igPosts("posts_1.json", bytes.NewReader(data)))
		}
		rd.sum.Files = []string{"your_posts_1.json"}
		return rd.finish("your_posts_1.json", rd.fbPosts("your_posts_1.json", bytes.NewReader(data)))
	}
	return errf(chaperone.ErrInvalid, "not an X, Facebook, Instagram or LinkedIn export: the file is neither a zip, tweets.js, a JSON posts file nor Shares.csv")
}

// jsonExportKind tells Facebook's posts file from Instagram's by the keys
// of its first post.
func jsonExportKind(data []byte, depth int) (string, error) {
	dec := json.NewDecoder(&depthReader{r: bytes.NewReader(data), max: depth, name: "the file"})
	var first map[string]json.RawMessage
	tok, err := dec.Token()
	if err == nil {
		if tok == json.Delim('[') {
			if dec.More() {
				err = dec.Decode(&first)
			}
		} else if tok == json.Delim('{') {
			// An object: Instagram's {"media": […]} wrapper or one post.
			first = map[string]json.RawMessage{}
			dec = json.NewDecoder(&depthReader{r: bytes.NewReader(data), max: depth, name: "the file"})
			err = dec.Decode(&first)
		}
	}
	if err != nil {
		var ce *chaperone.Error
		if errors.As(err, &ce) {
			return "", err
		}
		return "", wrapf(chaperone.ErrInvalid, err, "not an X, Facebook, Instagram or LinkedIn export: the JSON cannot be read")
	}
	_, media := first["media"]
	_, cts := first["creation_timestamp"]
	_, ts := first["timestamp"]
	_, fbData := first["data"]
	switch {
	case media || cts:
		return chaperone.SourceInstagramArchive, nil
	case ts || fbData:
		return chaperone.SourceFacebookArchive, nil
	}
	return "", errf(chaperone.ErrInvalid, "not an X, Facebook, Instagram or LinkedIn export: the JSON's first element has neither Facebook's timestamp and data nor Instagram's media")
}

// jsonArray decodes a JSON array from r, element by element, into a fresh
// T each, and calls each with the element's index. prefix, when not "",
// is the JavaScript assignment X writes before the array ("window.YTD.").
func jsonArray[T any](rd *reader, name string, r io.Reader, prefix string, each func(i int, v *T) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if prefix != "" {
		if err := skipAssignment(br, prefix, name); err != nil {
			return err
		}
	}
	dec := json.NewDecoder(&depthReader{r: br, max: rd.l.Depth, name: name})
	tok, err := dec.Token()
	if err != nil {
		return jsonErr(name, -1, dec, err)
	}
	if tok != json.Delim('[') {
		return errf(chaperone.ErrInvalid, "%s: expected a JSON array of posts", name)
	}
	for i := 0; dec.More(); i++ {
		var v T
		if err := dec.Decode(&v); err != nil {
			return jsonErr(name, i, dec, err)
		}
		if err := each(i, &v); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return jsonErr(name, -1, dec, err)
	}
	return nil
}

// jsonErr describes a decoding error by entry, post and byte offset; it
// never quotes the input.
func jsonErr(name string, i int, dec *json.Decoder, err error) error {
	var ce *chaperone.Error
	if errors.As(err, &ce) {
		return err
	}
	where := name
	if i >= 0 {
		where = fmt.Sprintf("%s: post %d", name, i+1)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return errf(chaperone.ErrInvalid, "%s: field %q has the wrong type (%s)", where, te.Field, te.Value)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errf(chaperone.ErrInvalid, "%s: the JSON ends early (a truncated file?)", where)
	}
	return errf(chaperone.ErrInvalid, "%s: invalid JSON near byte %d", where, dec.InputOffset())
}

// skipAssignment reads "window.YTD.tweets.part0 = " off br.
func skipAssignment(br *bufio.Reader, prefix, name string) error {
	head, err := br.Peek(len(prefix))
	if err != nil || string(head) != prefix {
		// Leading white space or a BOM are tolerated.
		b, _ := br.Peek(min(br.Buffered()+len(prefix)+8, 256))
		b = bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\ufeff")), " \t\r\n")
		if !bytes.HasPrefix(b, []byte(prefix)) {
			return errf(chaperone.ErrInvalid, "%s: does not start with %s…", name, prefix)
		}
	}
	for n := 0; ; n++ {
		c, err := br.ReadByte()
		if err != nil {
			return errf(chaperone.ErrInvalid, "%s: no \"=\" after %s…", name, prefix)
		}
		if c == '=' {
			return nil
		}
		if n > 200 {
			return errf(chaperone.ErrInvalid, "%s: no \"=\" after %s…", name, prefix)
		}
	}
}

// textOf bounds a string taken from an export before it is kept.
func (rd *reader) textOf(where string, i int, s string) (string, error) {
	if len(s) > rd.l.TextBytes {
		return "", errf(chaperone.ErrTooLarge, "%s: post %d: the text is longer than %s", where, i+1, sizeMB(int64(rd.l.TextBytes)))
	}
	return s, nil
}

// decodeJSON decodes one JSON value from r within the depth limit.
func decodeJSON(rd *reader, name string, r io.Reader, v any) error {
	dec := json.NewDecoder(&depthReader{r: r, max: rd.l.Depth, name: name})
	if err := dec.Decode(v); err != nil {
		return jsonErr(name, -1, dec, err)
	}
	return nil
}

package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/service"
)

// maxArchiveUpload bounds an archive uploaded through the web UI or the
// API. Platform exports carry their photos and videos too; the posts are
// in a small part of them (X's data/tweets.js, for one), which may be
// uploaded alone.
const maxArchiveUpload = 2 << 30

// importTimeout bounds one archive import run in the background.
const importTimeout = 2 * time.Hour

// importRun is an archive import the server runs in the background, and
// what the page polling it is shown. It holds counts, never post text.
type importRun struct {
	ID       int64               `json:"id"`
	OrgID    int64               `json:"-"`
	UserID   int64               `json:"user_id"`
	By       int64               `json:"-"` // who uploaded it
	Progress service.WatchImport `json:"progress"`
	Format   string              `json:"format,omitempty"`
	Account  string              `json:"account,omitempty"`
	Done     bool                `json:"done"`
	Error    string              `json:"error,omitempty"`
	Started  time.Time           `json:"started"`
	Finished time.Time           `json:"finished,omitzero"`
}

// imports are the server's archive imports, newest last, kept for a day
// after they finish.
type imports struct {
	mu   sync.Mutex
	seq  int64
	runs map[int64]*importRun
}

func (im *imports) add(r *importRun) {
	im.mu.Lock()
	defer im.mu.Unlock()
	if im.runs == nil {
		im.runs = map[int64]*importRun{}
	}
	for id, x := range im.runs {
		if x.Done && time.Since(x.Finished) > 24*time.Hour {
			delete(im.runs, id)
		}
	}
	im.seq++
	r.ID = im.seq
	im.runs[r.ID] = r
}

// update changes a run under the lock.
func (im *imports) update(id int64, fn func(r *importRun)) {
	im.mu.Lock()
	defer im.mu.Unlock()
	if r := im.runs[id]; r != nil {
		fn(r)
	}
}

// get returns a copy of run id, if u may see it: whoever uploaded it, the
// clinician it is for, or compliance and admins of its org.
func (im *imports) get(id int64, u chaperone.User) (importRun, bool) {
	im.mu.Lock()
	defer im.mu.Unlock()
	r := im.runs[id]
	if r == nil || r.OrgID != u.OrgID || (r.By != u.ID && r.UserID != u.ID && !canAuditUser(u)) {
		return importRun{}, false
	}
	return importRun{ID: r.ID, UserID: r.UserID, Progress: r.Progress, Format: r.Format, Account: r.Account, Done: r.Done,
		Error: r.Error, Started: r.Started, Finished: r.Finished}, true
}

// startImport keeps the uploaded archive in a temporary file and imports
// it in the background as clinician userID's posts; the temporary file is
// removed when the import ends. It returns the run's id.
func (s *Server) startImport(ctx context.Context, u chaperone.User, userID int64, body io.Reader) (int64, error) {
	if err := s.svc.CanImport(ctx, u, userID); err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp("", "chaperone-import-*")
	if err != nil {
		return 0, chaperone.Errorf(chaperone.ErrInternal, "no room for the upload")
	}
	n, err := io.Copy(tmp, io.LimitReader(body, maxArchiveUpload+1))
	if err == nil && n > maxArchiveUpload {
		err = chaperone.Errorf(chaperone.ErrTooLarge, "an archive is at most %d GiB; upload only the file with the posts (X: data/tweets.js)", maxArchiveUpload>>30)
	}
	if err == nil && n == 0 {
		err = chaperone.Errorf(chaperone.ErrInvalid, "the archive is empty")
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return 0, chaperone.Errorf(chaperone.ErrTooLarge, "an archive is at most %d GiB", maxArchiveUpload>>30)
		}
		if chaperone.CodeOf(err) != chaperone.ErrInternal {
			return 0, err
		}
		return 0, chaperone.Errorf(chaperone.ErrInvalid, "reading the upload failed")
	}
	run := &importRun{OrgID: u.OrgID, UserID: userID, By: u.ID, Started: time.Now()}
	if userID == 0 {
		run.UserID = u.ID
	}
	s.imports.add(run)
	id := run.ID
	go func() {
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		ctx, cancel := context.WithTimeout(context.Background(), importTimeout)
		defer cancel()
		res, sum, err := s.svc.ImportArchive(ctx, u, userID, tmp, n, func(w service.WatchImport) {
			s.imports.update(id, func(r *importRun) { r.Progress = w })
		})
		s.imports.update(id, func(r *importRun) {
			r.Progress, r.Format, r.Account, r.Done, r.Finished = res, sum.Format, sum.Account, true, time.Now()
			if err != nil {
				r.Error = publicMessage(err)
				if status(err) >= 500 {
					s.log.Error("archive import failed", "import", id, "err", err)
				}
			}
		})
	}()
	return id, nil
}

// importSubmit takes the archive from the form's "archive" part, streamed
// to disk, and shows the published-posts page following the import.
func (s *Server) importSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	id, err := s.importFromForm(r, u)
	if err != nil {
		if code := status(err); code < 500 && code != http.StatusForbidden {
			s.renderWatch(w, r, u, code, watchData{Error: publicMessage(err)})
			return
		}
		s.errorPage(w, r, u, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/watch?import=%d", id), http.StatusSeeOther)
}

func (s *Server) importFromForm(r *http.Request, u chaperone.User) (int64, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return 0, chaperone.Errorf(chaperone.ErrInvalid, "send the archive as a file upload")
	}
	var userID int64
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return 0, chaperone.Errorf(chaperone.ErrInvalid, "choose the archive to import")
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return 0, chaperone.Errorf(chaperone.ErrTooLarge, "an archive is at most %d GiB", maxArchiveUpload>>30)
			}
			return 0, chaperone.Errorf(chaperone.ErrInvalid, "unreadable form")
		}
		switch part.FormName() {
		case "user":
			userID, _ = strconv.ParseInt(readField(part), 10, 64)
		case "archive":
			return s.startImport(r.Context(), u, userID, part)
		}
	}
}

// readField reads a small form field.
func readField(p *multipart.Part) string {
	b, _ := io.ReadAll(io.LimitReader(p, 64))
	return string(b)
}

// importStatus answers an import's progress as JSON, for the page's
// script and the API.
func (s *Server) importStatus(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	run, ok := s.imports.get(id, u)
	if !ok {
		return nil, chaperone.Errorf(chaperone.ErrNotFound, "import %d not found", id)
	}
	return run, nil
}

// importStatusPage is importStatus for the signed-in page.
func (s *Server) importStatusPage(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	v, err := s.importStatus(r, u)
	if err != nil {
		http.Error(w, publicMessage(err), status(err))
		return
	}
	noStore(w)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// apiImport takes the archive as the raw request body (?user= for
// compliance and admins importing a clinician's) and answers 202 with the
// run to poll.
func (s *Server) apiImport(r *http.Request, u chaperone.User) (any, error) {
	userID, _ := strconv.ParseInt(r.URL.Query().Get("user"), 10, 64)
	id, err := s.startImport(r.Context(), u, userID, r.Body)
	if err != nil {
		return nil, err
	}
	run, _ := s.imports.get(id, u)
	return accepted{run}, nil
}

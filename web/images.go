package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/store"
)

// maxImageUpload bounds the body of a picture upload: the picture and the
// form around it.
const maxImageUpload = store.MaxImageBytes + 1<<20

// imageUploadRoutes are the path patterns (path.Match) of the routes that
// take a picture, which uploadLimit allows maxImageUpload.
var imageUploadRoutes = []string{"/drafts", "/drafts/*/images", "/api/v1/drafts/*/images"}

// uploadLimit is the body limit of a POST to p: its entry in
// uploadRoutes or imageUploadRoutes, an archive import's, or 0 for the
// default.
func uploadLimit(p string) int64 {
	if n := uploadRoutes[p]; n > 0 {
		return n
	}
	if p == "/watch/import" || p == "/api/v1/published/import" {
		return maxArchiveUpload + 1<<20
	}
	for _, pat := range imageUploadRoutes {
		if ok, _ := path.Match(pat, p); ok {
			return maxImageUpload
		}
	}
	return 0
}

// imageID is the {img} path value.
func imageID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("img"), 10, 64)
	if err != nil || id <= 0 {
		return 0, chaperone.Errorf(chaperone.ErrNotFound, "no such picture")
	}
	return id, nil
}

// imageFile is the {file} path value: "copy" or "original".
func imageFile(r *http.Request) (store.ImageFile, error) {
	switch f := store.ImageFile(r.PathValue("file")); f {
	case store.ImageCopy, store.ImageOriginal:
		return f, nil
	}
	return "", chaperone.Errorf(chaperone.ErrNotFound, "no such file: a picture has a copy and an original")
}

// readImage reads the "image" file of a multipart form (nil when there is
// none) and its file name.
func readImage(r *http.Request) ([]byte, string, error) {
	if r.MultipartForm == nil {
		return nil, "", nil // a form without files
	}
	file, hdr, err := r.FormFile("image")
	if err == http.ErrMissingFile {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", chaperone.Errorf(chaperone.ErrInvalid, "reading the picture failed")
	}
	defer file.Close()
	b, err := io.ReadAll(io.LimitReader(file, store.MaxImageBytes+1))
	if err != nil {
		return nil, "", chaperone.Errorf(chaperone.ErrInvalid, "reading the picture failed")
	}
	if len(b) > store.MaxImageBytes {
		return nil, "", chaperone.Errorf(chaperone.ErrTooLarge, "a picture is at most %d MiB", store.MaxImageBytes>>20)
	}
	return b, hdr.Filename, nil
}

// imageSubmit attaches the uploaded picture to a draft and shows the
// draft; a picture that is refused is shown on the draft page with why.
func (s *Server) imageSubmit(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	id, err := pathID(r)
	if err == nil {
		err = parseMultipart(r)
	}
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	data, name, err := readImage(r)
	if err == nil && data == nil {
		err = chaperone.Errorf(chaperone.ErrInvalid, "choose a picture to attach")
	}
	if err == nil {
		_, err = s.svc.AttachImage(r.Context(), u, id, name, data)
	}
	if err != nil {
		s.imageRefused(w, r, u, id, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/drafts/%d?done=image", id), http.StatusSeeOther)
}

// imageRefused shows the draft with the reason a picture was not
// attached, for bad pictures; refusals and failures get the error page.
func (s *Server) imageRefused(w http.ResponseWriter, r *http.Request, u chaperone.User, draftID int64, err error) {
	code := status(err)
	if code >= 500 || code == http.StatusForbidden || code == http.StatusNotFound {
		s.errorPage(w, r, u, err)
		return
	}
	s.renderDraft(w, r, u, draftID, code, "The picture was not attached: "+publicMessage(err))
}

func (s *Server) imageRemove(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	s.draftAction(w, r, u, "image-removed", func(id int64) error {
		img, err := imageID(r)
		if err != nil {
			return err
		}
		return s.svc.RemoveImage(r.Context(), u, id, img)
	})
}

// imageDownload sends a picture's copy or original (a PHI view, audited
// by the service), never cached and never run by the browser.
func (s *Server) imageDownload(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	body, err := s.imageBody(r, u)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	noStore(w)
	writeFile(w, body.body, body.ctype, body.filename)
}

func (s *Server) imageBody(r *http.Request, u chaperone.User) (rawBody, error) {
	id, err := pathID(r)
	if err != nil {
		return rawBody{}, err
	}
	img, err := imageID(r)
	if err != nil {
		return rawBody{}, err
	}
	which, err := imageFile(r)
	if err != nil {
		return rawBody{}, err
	}
	b, typ, err := s.svc.ImageFile(r.Context(), u, id, img, which)
	if err != nil {
		return rawBody{}, err
	}
	ext := imageExt(typ)
	if ext == "" {
		ext = "heic"
	}
	return rawBody{body: b, ctype: typ, filename: fmt.Sprintf("draft-%d-picture-%d-%s.%s", id, img, which, ext)}, nil
}

// apiAttachImage takes the picture as the raw request body, its file
// name in ?name=.
func (s *Server) apiAttachImage(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, chaperone.Errorf(chaperone.ErrTooLarge, "a picture is at most %d MiB", store.MaxImageBytes>>20)
		}
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "reading the picture failed")
	}
	if len(data) == 0 {
		return nil, chaperone.Errorf(chaperone.ErrInvalid, "send the picture as the request body")
	}
	return created(s.svc.AttachImage(r.Context(), u, id, r.URL.Query().Get("name"), data))
}

func (s *Server) apiImages(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.svc.Images(r.Context(), u, id)
}

func (s *Server) apiImageFile(r *http.Request, u chaperone.User) (any, error) {
	return s.imageBody(r, u)
}

func (s *Server) apiRemoveImage(r *http.Request, u chaperone.User) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	img, err := imageID(r)
	if err != nil {
		return nil, err
	}
	if err := s.svc.RemoveImage(r.Context(), u, id, img); err != nil {
		return nil, err
	}
	return map[string]any{"removed": img}, nil
}

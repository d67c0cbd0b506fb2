package web

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/photo"
	"github.com/chaperone-project/chaperone/photo/phototest"
)

// siteImageTools are the image programs installed here, for the test
// sites' services: Tesseract and facedetect when they are there.
func siteImageTools() photo.Tools {
	var t photo.Tools
	if p := photo.FindTesseract(os.Getenv); p != "" {
		t.OCR = photo.Tesseract(p, time.Minute)
	}
	if p := photo.FindFaceDetect(os.Getenv); p != "" {
		t.Faces = photo.FaceDetect(p, time.Minute)
	}
	return t
}

// bombPNGBytes is the header of a PNG declaring 100,000 × 100,000 pixels.
var bombPNGBytes = func() []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, 100_000)
	binary.BigEndian.PutUint32(ihdr[4:], 100_000)
	ihdr[8], ihdr[9] = 8, 2
	chunk := append([]byte("IHDR"), ihdr...)
	out := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d"), chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}()

// imageForm is a multipart form with the fields and the picture as
// "image".
func imageForm(fields map[string]string, name string, pic []byte) (string, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("image", name)
	fw.Write(pic)
	mw.Close()
	return buf.String(), mw.FormDataContentType()
}

func TestDraftPictures(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *site) {
		c := s.browser(t)
		s.login(t, c, chaperone.RoleClinician)

		// compose with a picture: the draft is saved and the picture
		// attached and screened
		body, ctype := imageForm(map[string]string{"channel": "post", "text": "Our new waiting room."}, "room.png", tinyPNGBytes)
		resp, err := c.Post(s.URL+"/drafts", ctype, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		m := draftLocation.FindStringSubmatch(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusSeeOther || m == nil {
			t.Fatalf("compose with a picture: %d to %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		id := m[1]
		_, page := get(t, c, s.URL+"/drafts/"+id)
		if !strings.Contains(page, "Picture 1: room.png") || !strings.Contains(page, `/drafts/`+id+`/images/`) {
			t.Fatalf("the draft page shows no picture:\n%s", page)
		}

		// the copy is sent as a file, never cached
		tok := s.token(t, chaperone.RoleClinician)
		code, view := api(t, s, tok, "GET", "/api/v1/drafts/"+id, "")
		images, _ := view["images"].([]any)
		if code != 200 || len(images) != 1 {
			t.Fatalf("API view: %d %v", code, view)
		}
		img := images[0].(map[string]any)
		imgID := fmt.Sprint(int64(img["id"].(float64)))
		// allowed only when both the text and the faces were checked
		scr := img["screen"].(map[string]any)
		checked := scr["ocr"] == "done" && scr["face_check"] == "done"
		if want := map[bool]string{true: "allow", false: "review"}[checked]; scr["decision"] != want {
			t.Errorf("a plain picture (text and faces checked: %v): %v, want %s", checked, scr, want)
		}
		resp, err = c.Get(s.URL + "/drafts/" + id + "/images/" + imgID + "/copy")
		if err != nil {
			t.Fatal(err)
		}
		cp, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("Cache-Control") != "no-store" ||
			!strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("copy: %d %v", resp.StatusCode, resp.Header)
		}
		if _, err := png.Decode(bytes.NewReader(cp)); err != nil {
			t.Fatalf("the copy is not a PNG: %v", err)
		}
		for _, bad := range []string{"/images/" + imgID + "/thumbnail", "/images/999999/copy"} {
			if resp, err := c.Get(s.URL + "/drafts/" + id + bad); err != nil || resp.StatusCode != 404 {
				t.Errorf("GET %s: %v %d", bad, err, resp.StatusCode)
			}
		}

		// bad pictures are refused on the draft page, with why
		for _, tc := range []struct {
			data []byte
			code int
			want string
		}{
			{[]byte("GIF89a not really"), 400, "GIF images are not supported"},
			{[]byte("plain text"), 400, "not a JPEG, PNG"},
			{bombPNGBytes, 413, "decompression bomb"},
		} {
			body, ctype := imageForm(nil, "bad.png", tc.data)
			resp, err := c.Post(s.URL+"/drafts/"+id+"/images", ctype, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.code || !strings.Contains(string(b), "The picture was not attached") || !strings.Contains(string(b), tc.want) {
				t.Errorf("bad picture: %d, want %d and %q", resp.StatusCode, tc.code, tc.want)
			}
		}

		// the API: attach (201), list, remove; an oversized body is 413
		code, ans := apiRaw(t, s, tok, "/api/v1/drafts/"+id+"/images?name=second.png", "image/png", bytes.NewReader(tinyPNGBytes))
		if code != 201 || !strings.Contains(ans, `"name":"second.png"`) {
			t.Fatalf("API attach: %d %s", code, ans)
		}
		code, _ = apiRaw(t, s, tok, "/api/v1/drafts/"+id+"/images", "image/png", bytes.NewReader(make([]byte, maxImageUpload+1)))
		if code != 413 {
			t.Errorf("oversized picture: %d", code)
		}
		code, out := api(t, s, tok, "DELETE", "/api/v1/drafts/"+id+"/images/"+imgID, "")
		if code != 200 {
			t.Fatalf("API remove: %d %v", code, out)
		}
		req, _ := http.NewRequest("GET", s.URL+"/api/v1/drafts/"+id+"/images", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || strings.Count(string(b), `"sha256"`) != 1 || !strings.Contains(string(b), "second.png") {
			t.Fatalf("API list after removing: %d %s", resp.StatusCode, b)
		}
	})
}

// renderWristband draws a patient wristband's text in Go Regular, black on
// white, as a PNG.
func renderWristband(t *testing.T, text string) []byte {
	t.Helper()
	pic, _ := phototest.Label(t, text)
	return pic
}

// TestBrowserWristbandPhoto composes a post with a photo of a wristband in
// headless Chromium: the draft is blocked, the picture's findings name the
// patient's name and MRN, and its copy hides them.
func TestBrowserWristbandPhoto(t *testing.T) {
	if photo.FindTesseract(os.Getenv) == "" {
		if os.Getenv("CHAPERONE_REQUIRE_OCR") == "1" {
			t.Fatal("tesseract is not installed and CHAPERONE_REQUIRE_OCR=1")
		}
		t.Skip("tesseract is not installed")
	}
	s := newSite(t, "sqlite")
	b := newTab(t, s)
	file := filepath.Join(t.TempDir(), "wristband.png")
	if err := os.WriteFile(file, renderWristband(t, "Patient: Walter Pruitt MRN 00482913"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.login(chaperone.RoleClinician)
	b.do("compose with a photo",
		chromedp.Navigate(s.URL+"/drafts/new"),
		chromedp.SendKeys(chromedp.CSS("#text"), "Busy night on the ward, proud of this team."),
		chromedp.SetUploadFiles(chromedp.CSS("#image"), []string{file}),
		chromedp.Click(chromedp.CSS("#save")),
		chromedp.WaitVisible(chromedp.CSS("figure.picture")),
	)
	if d := b.text("#decision"); d != "block" {
		t.Errorf("draft decision %q, want block", d)
	}
	fig := b.text("figure.picture")
	if !strings.Contains(fig, "block") || !strings.Contains(fig, "The copy hides") || !strings.Contains(fig, "Text: checked") {
		t.Errorf("picture: %q", fig)
	}
	findings := b.text("#findings")
	if !strings.Contains(findings, "Picture 1: In the text read from the image") || !strings.Contains(findings, "NAME") || !strings.Contains(findings, "MRN") {
		t.Errorf("findings: %q", findings)
	}
	if strings.Contains(findings, "Pruitt") || strings.Contains(findings, "00482913") {
		t.Errorf("the findings quote the picture's text: %q", findings)
	}
	loaded, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelector("figure.picture img").naturalWidth > 0`))
	if err != nil || !loaded {
		t.Errorf("the copy does not load in the page: %v", err)
	}
}

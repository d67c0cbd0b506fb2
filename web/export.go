package web

import (
	"encoding/json"
	"net/http"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

// exportRecords sends every record of one kind as CSV (?format=csv, the
// default) or JSON, as a download; compliance and admins only.
func (s *Server) exportRecords(w http.ResponseWriter, r *http.Request, u chaperone.User) {
	kind := r.PathValue("kind")
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "json" {
		s.errorPage(w, r, u, chaperone.Errorf(chaperone.ErrInvalid, "format must be csv or json"))
		return
	}
	t, err := s.svc.Export(r.Context(), u, kind)
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	body, ctype := []byte(nil), "text/csv; charset=utf-8"
	if format == "json" {
		body, err = json.MarshalIndent(t, "", "  ")
		body, ctype = append(body, '\n'), "application/json"
	} else {
		body, err = t.CSV()
	}
	if err != nil {
		s.errorPage(w, r, u, err)
		return
	}
	name := "chaperone-" + kind + "-" + time.Now().UTC().Format("20060102-150405") + "." + format
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Type", ctype)
	w.Write(body)
}

func (s *Server) apiExport(r *http.Request, u chaperone.User) (any, error) {
	return s.svc.Export(r.Context(), u, r.PathValue("kind"))
}

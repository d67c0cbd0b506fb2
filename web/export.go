package web

import (
	"encoding/csv"
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
	name := "chaperone-" + kind + "-" + time.Now().UTC().Format("20060102-150405") + "." + format
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if format == "json" {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(t)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	cw := csv.NewWriter(w)
	cw.Write(t.Header)
	for _, row := range t.Rows {
		for i, f := range row {
			row[i] = csvSafe(f)
		}
		cw.Write(row)
	}
	cw.Flush()
}

// csvSafe keeps a spreadsheet from reading a field as a formula.
func csvSafe(f string) string {
	if f != "" && (f[0] == '=' || f[0] == '+' || f[0] == '-' || f[0] == '@' || f[0] == '\t' || f[0] == '\r') {
		return "'" + f
	}
	return f
}

func (s *Server) apiExport(r *http.Request, u chaperone.User) (any, error) {
	return s.svc.Export(r.Context(), u, r.PathValue("kind"))
}

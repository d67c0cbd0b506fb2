package service

import (
	"context"
	"testing"
	"time"

	chaperone "github.com/chaperone-project/chaperone"
)

func TestExport(t *testing.T) {
	backends(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		must[chaperone.Consent](t)(w.svc.RecordConsent(ctx, w.clinician, consentFor(time.Now()), signedPDF))
		must[chaperone.Relationship](t)(w.svc.DeclareRelationship(ctx, w.clinician, chaperone.Relationship{Company: "Pfizer", Kind: chaperone.TieConsulting, From: time.Now()}))
		for kind, rows := range map[string]int{"consents": 1, "relationships": 1, "takedowns": 0, "attestations": 0, "reviews": 0, "reports": 0, "incidents": 0, "identity": 0} {
			tb := must[Table](t)(w.svc.Export(ctx, w.comp, kind))
			if len(tb.Rows) != rows || len(tb.Header) == 0 {
				t.Errorf("%s: %d rows", kind, len(tb.Rows))
			}
			for _, r := range tb.Rows {
				if len(r) != len(tb.Header) {
					t.Errorf("%s: row of %d fields under %d columns", kind, len(r), len(tb.Header))
				}
			}
		}
		tb := must[Table](t)(w.svc.Export(ctx, w.admin, "consents"))
		if tb.Rows[0][1] != "Walter Pruitt" || tb.Rows[0][15] != "ana@example.org" {
			t.Errorf("consent row %q", tb.Rows[0])
		}
		_, err := w.svc.Export(ctx, w.clinician, "consents")
		wantCode(t, err, chaperone.ErrForbidden)
		_, err = w.svc.Export(ctx, w.comp, "passwords")
		wantCode(t, err, chaperone.ErrInvalid)
		if !hasAll(actions(t, w.st), chaperone.ActionRecordsExport) {
			t.Error("the export is not audited")
		}
	})
}

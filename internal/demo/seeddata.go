package demo

import (
	"context"
	"fmt"
	"io"

	"shuyu/internal/catalog"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
	"shuyu/internal/ingest"
)

// commissioners are the demo accounts that own each provider's entries.
var commissioners = map[string]string{"hrss": "provider-hrss", "amr": "provider-amr", "tax": "provider-tax"}

// SeedData creates the demo catalog entries as their providers'
// commissioners and ingests the synthetic rows, scaled by scale, through the
// same path as any upload. Entries that already have a version are left
// alone, so a second run adds nothing.
func SeedData(ctx context.Context, ids *identity.Service, cat *catalog.Service, ing *ingest.Service, scale float64) error {
	for _, d := range Datasets(scale) {
		p, err := ids.PrincipalOf(ctx, commissioners[d.Provider])
		if err != nil {
			return fmt.Errorf("demo dataset %s: %w", d.Name, err)
		}
		entry, err := ing.Entry(ctx, p, d.Name)
		switch {
		case errs.Is(err, errs.NotFound):
			if _, err := cat.Create(ctx, p, d.input()); err != nil {
				return fmt.Errorf("demo dataset %s: %w", d.Name, err)
			}
		case err != nil:
			return err
		case entry.CurrentVersion != nil:
			continue
		}
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(d.WriteCSV(pw)) }()
		_, err = ing.Upload(ctx, p, ingest.Upload{Dataset: d.Name, Body: pr, Filename: d.Name + ".csv", Format: ingest.CSV, Encoding: ingest.UTF8})
		pr.Close()
		if err != nil {
			return fmt.Errorf("demo dataset %s: %w", d.Name, err)
		}
	}
	return nil
}

func (d Dataset) input() catalog.Input {
	fields := make([]catalog.Field, len(d.Fields))
	for i, f := range d.Fields {
		fields[i] = catalog.Field{Name: f.Name, Type: catalog.FieldType(f.Type), Title: f.Title, Classification: f.Class, Grade: f.Grade}
	}
	frequency := catalog.Frequency(d.Frequency)
	inScope := true
	return catalog.Input{Name: &d.Name, Title: &d.Title, Description: &d.Description, Frequency: &frequency,
		Fields: &fields, PrivacyUnit: &d.PrivacyUnit, InScope: &inScope}
}

package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"shuyu/internal/domain"
	"shuyu/internal/errs"
)

// transcode rewrites a GB18030 (or GBK) file as UTF-8 into dst. The decoder
// turns a byte sequence that is invalid in GB18030 into U+FFFD; finding one
// means the file is in neither encoding (or is no text at all), which is
// refused with its line rather than stored garbled. (GB18030 can encode
// U+FFFD itself, but no agency's export contains it.) declared says whether
// the provider named the encoding, or it was guessed because the file is
// not UTF-8.
func transcode(sp spooled, dst *os.File, declared bool) error {
	defer dst.Close()
	in, err := os.Open(sp.path)
	if err != nil {
		return err
	}
	defer in.Close()
	r := bufio.NewReaderSize(simplifiedchinese.GB18030.NewDecoder().Reader(bufio.NewReaderSize(in, 1<<20)), 1<<20)
	w := bufio.NewWriterSize(dst, 1<<20)
	for line := int64(1); ; {
		chunk, err := r.ReadSlice('\n')
		if bytes.Contains(chunk, replacement) {
			if declared {
				return errs.E(errs.Invalid, "line %d: the text is not GB18030 (GBK); declare the encoding it has, or none to have it detected", line)
			}
			return errs.E(errs.Invalid, "the text is neither UTF-8 (line %d is not) nor GB18030 or GBK (line %d is not); export the file as UTF-8, "+
				"or check that it is a CSV file whole (a file cut short may end inside a character)", sp.notUTF8, line)
		}
		if _, werr := w.Write(chunk); werr != nil {
			return werr
		}
		if len(chunk) > 0 && chunk[len(chunk)-1] == '\n' {
			line++
		}
		switch {
		case errors.Is(err, io.EOF):
			return w.Flush()
		case err != nil && !errors.Is(err, bufio.ErrBufferFull):
			return fmt.Errorf("ingest: convert from GB18030: %w", err)
		}
	}
}

var replacement = []byte(string(utf8.RuneError))

// xlsxLimits guard against archives that unpack to far more than they weigh.
var xlsxLimits = excelize.Options{UnzipSizeLimit: 4 << 30, UnzipXMLSizeLimit: 1 << 30, RawCellValue: true}

// xlsxToCSV writes the first worksheet of an XLSX file as UTF-8 CSV into
// dst. Cells are read raw, so dates stored as Excel serial numbers are
// turned into dates for the columns declared as date or timestamp.
func xlsxToCSV(src string, dst *os.File, columns []domain.Column) error {
	defer dst.Close()
	f, err := excelize.OpenFile(src, xlsxLimits)
	if err != nil {
		return errs.E(errs.Invalid, "not a readable XLSX workbook: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return errs.E(errs.Invalid, "the workbook has no worksheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return errs.E(errs.Invalid, "worksheet %q: %v", sheets[0], err)
	}
	defer rows.Close()
	types := map[string]string{}
	for _, c := range columns {
		types[c.Name] = c.Type
	}
	bw := bufio.NewWriterSize(dst, 1<<20)
	w := csv.NewWriter(bw)
	var header []string
	for line := 1; rows.Next(); line++ {
		cells, err := rows.Columns(xlsxLimits)
		if err != nil {
			return errs.E(errs.Invalid, "worksheet %q, row %d: %v", sheets[0], line, err)
		}
		if header == nil {
			header = cells
			for i := range header {
				header[i] = strings.TrimSpace(header[i])
			}
		} else {
			for i := range cells {
				if i < len(header) {
					cells[i] = excelValue(cells[i], types[header[i]])
				}
			}
			for len(cells) < len(header) { // trailing empty cells are not stored
				cells = append(cells, "")
			}
		}
		if err := w.Write(cells); err != nil {
			return err
		}
	}
	if header == nil {
		return errs.E(errs.Invalid, "worksheet %q is empty; its first row must name the columns", sheets[0])
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// excelValue turns a raw cell into the text form the engine expects.
func excelValue(raw, typ string) string {
	if typ != "date" && typ != "timestamp" {
		return raw
	}
	serial, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return raw // already text, such as 2026-01-02
	}
	t, err := excelize.ExcelDateToTime(serial, false)
	if err != nil {
		return raw
	}
	if typ == "date" {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04:05")
}

package calendar

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	t.Parallel()
	const y26 = "year 2026 official\n"
	tests := []struct {
		name, table, want string
	}{
		{"invalid date",
			"# header\n\n# notice\n" + y26 + "holiday 2026-01-01 元旦\n\nholiday 2026-02-30 春节\n",
			`calendar: line 7: "2026-02-30": not a valid date (want YYYY-MM-DD)`},
		{"malformed date", y26 + "holiday 2026-1-1 元旦\n",
			`calendar: line 2: "2026-1-1": not a valid date (want YYYY-MM-DD)`},
		{"invalid range end", y26 + "holiday 2026-02-15..2026-02-30 春节\n",
			`calendar: line 2: "2026-02-30": not a valid date (want YYYY-MM-DD)`},
		{"missing range end", y26 + "holiday 2026-02-15.. 春节\n",
			`calendar: line 2: "2026-02-15..": not a valid date (want YYYY-MM-DD)`},
		{"range ends before start", y26 + "holiday 2026-02-23..2026-02-15 春节\n",
			`calendar: line 2: "2026-02-23..2026-02-15": range ends before it starts`},
		{"range too long", y26 + "holiday 2026-10-01..2026-11-01 国庆节\n",
			`calendar: line 2: "2026-10-01..2026-11-01": range of 32 days (want at most 31)`},
		{"holiday and workday", y26 + "holiday 2026-10-01..2026-10-07 国庆节\nworkday 2026-10-07 国庆节调休上班\n",
			`calendar: line 3: "2026-10-07": both a holiday (line 2) and a workday`},
		{"workday and holiday", y26 + "workday 2026-10-10 国庆节调休上班\nholiday 2026-10-08..2026-10-12 国庆节\n",
			`calendar: line 3: "2026-10-10": both a workday (line 2) and a holiday`},
		{"listed twice", y26 + "holiday 2026-10-01..2026-10-07 国庆节\nholiday 2026-10-07 国庆节\n",
			`calendar: line 3: "2026-10-07": listed twice (also line 2)`},
		{"year not declared", y26 + "holiday 2027-01-01 元旦\n",
			`calendar: line 2: "2027-01-01": year 2027 has no "year 2027 official" line above`},
		{"year declared below", "workday 2026-01-04 元旦调休上班\n" + y26,
			`calendar: line 1: "2026-01-04": year 2026 has no "year 2026 official" line above`},
		{"range into undeclared year", y26 + "holiday 2026-12-31..2027-01-02 元旦\n",
			`calendar: line 2: "2027-01-01": year 2027 has no "year 2027 official" line above`},
		{"duplicate year", y26 + "holiday 2026-01-01 元旦\nyear 2026 official\n",
			`calendar: line 3: "year 2026 official": year 2026 already declared on line 1`},
		{"short year", "year 26 official\n", `calendar: line 1: "year 26 official": want "year YYYY official"`},
		{"signed year", "year +026 official\n", `calendar: line 1: "year +026 official": want "year YYYY official"`},
		{"year without official", "year 2026\n", `calendar: line 1: "year 2026": want "year YYYY official"`},
		{"year estimated", "year 2026 estimated\n", `calendar: line 1: "year 2026 estimated": want "year YYYY official"`},
		{"year extra words", "year 2026 official now\n", `calendar: line 1: "year 2026 official now": want "year YYYY official"`},
		{"unknown keyword", y26 + "vacation 2026-01-01 元旦\n",
			`calendar: line 2: "vacation": unknown entry (want year, holiday or workday)`},
		{"keywords are lower case", y26 + "Holiday 2026-01-01 元旦\n",
			`calendar: line 2: "Holiday": unknown entry (want year, holiday or workday)`},
		{"missing name", y26 + "holiday 2026-01-01\n",
			`calendar: line 2: "holiday 2026-01-01": want "holiday YYYY-MM-DD[..YYYY-MM-DD] NAME"`},
		{"name only a comment", y26 + "workday 2026-01-04 # 元旦\n",
			`calendar: line 2: "workday 2026-01-04": want "workday YYYY-MM-DD[..YYYY-MM-DD] NAME"`},
		{"missing date", y26 + "holiday\n",
			`calendar: line 2: "holiday": want "holiday YYYY-MM-DD[..YYYY-MM-DD] NAME"`},
		{"name not UTF-8", y26 + "holiday 2026-01-01 \xff\xfe\n",
			`calendar: line 2: "\xff\xfe": name is not valid UTF-8`},
		{"name with control character", y26 + "holiday 2026-01-01 元\x00旦\n",
			`calendar: line 2: "元\x00旦": name contains a control character`},
		{"line too long", y26 + strings.Repeat("#", 70_000) + "\n",
			`calendar: line 2: line longer than 65536 bytes`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse(strings.NewReader(tt.table))
			if err == nil {
				t.Fatalf("Parse succeeded:\n%s\nwant error %s", c, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got %s\nwant %s", err, tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("error %T is not a *ParseError", err)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, table string
		want        []Day // for 2026
	}{
		{"empty", "", nil},
		{"comments and blank lines only", "# nothing yet\n\n   \n\t# indented\n", nil},
		{"year without entries", "year 2026 official\n", nil},
		{"byte order mark and CRLF", "\uFEFFyear 2026 official\r\nholiday 2026-01-01 元旦\r\n",
			[]Day{{date("2026-01-01"), Holiday, "元旦"}}},
		{"tabs, trailing comment, spaces inside the name",
			"year 2026 official\n\tholiday\t2026-10-01..2026-10-02   National Day  # 国庆\n",
			[]Day{{date("2026-10-01"), Holiday, "National Day"}, {date("2026-10-02"), Holiday, "National Day"}}},
		{"entries out of order are listed in date order",
			"year 2026 official\nworkday 2026-10-10 补\nworkday 2026-09-20 补\n",
			[]Day{{date("2026-09-20"), Workday, "补"}, {date("2026-10-10"), Workday, "补"}}},
		{"range of exactly 31 days", "year 2026 official\nholiday 2026-01-01..2026-01-31 x\n", nil},
		{"range across declared years", "year 2026 official\nyear 2027 official\nholiday 2026-12-31..2027-01-01 x\n",
			[]Day{{date("2026-12-31"), Holiday, "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustParseTable(t, tt.table)
			if tt.want == nil {
				return
			}
			if got := c.Holidays(2026); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Holidays(2026) = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(good, []byte("year 2027 official\nholiday 2027-01-01 元旦\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("year 2027 official\nholiday 2027-02-29 x\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	c, err := Load(good)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	// A loaded table replaces the built-in one: 2026 is no longer covered.
	if !c.Covers(2027) || c.Covers(2026) {
		t.Errorf("Covers(2027), Covers(2026) = %v, %v, want true, false", c.Covers(2027), c.Covers(2026))
	}

	_, err = Load(bad)
	if want := "calendar: " + bad + `: line 2: "2027-02-29": not a valid date (want YYYY-MM-DD)`; err == nil || err.Error() != want {
		t.Errorf("Load(bad) error\n got %v\nwant %s", err, want)
	}

	_, err = Load(filepath.Join(dir, "missing.txt"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(missing) error = %v, want fs.ErrNotExist", err)
	}
}

func TestWriteRoundTrip(t *testing.T) {
	t.Parallel()
	table := `year 2026 official
holiday 2026-10-01..2026-10-03 国庆节 # same name, joined below
holiday 2026-10-04..2026-10-07 国庆节
workday 2026-10-10 国庆节调休上班
holiday 2026-09-25 中秋节
holiday 2026-09-26 中秋
year 2027 official
holiday 2027-01-01..2027-01-31 long
holiday 2027-02-01 long
`
	want := `year 2026 official
holiday 2026-09-25 中秋节
holiday 2026-09-26 中秋
holiday 2026-10-01..2026-10-07 国庆节
workday 2026-10-10 国庆节调休上班

year 2027 official
holiday 2027-01-01..2027-01-31 long
holiday 2027-02-01 long
`
	c := mustParseTable(t, table)
	if got := c.String(); got != want {
		t.Errorf("String()\n%s\nwant\n%s", got, want)
	}
	if again := mustParseTable(t, c.String()); !reflect.DeepEqual(again, c) {
		t.Errorf("Parse(String()) differs from the original")
	}
}

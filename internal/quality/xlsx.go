package quality

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"shuyu/internal/calendar"
)

// SupplySheet is the name of the sheet holding the evaluation lines;
// NotesSheet says what the period and weights were.
const (
	SupplySheet = "供给评估"
	NotesSheet  = "说明"
)

// SupplyHeaders are the column headers of the evaluation sheet, in the
// order of the values WriteSupplyXLSX writes.
var SupplyHeaders = []string{"排名", "提供单位", "目录项数", "完整目录项数", "目录完整性", "更新及时性", "数据质量",
	"已评分目录项", "工单数", "按时答复", "逾期", "待答复", "已撤回", "答复及时率", "综合得分", "单位标识"}

// WriteSupplyXLSX writes the evaluation as an XLSX workbook to w: one row
// per provider on SupplySheet, the period and weights on NotesSheet. Rows
// go through excelize's stream writer, and the workbook is written to w as
// it is zipped.
func WriteSupplyXLSX(w io.Writer, ev SupplyEvaluation) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SupplySheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SupplySheet)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 2, 36); err != nil {
		return err
	}
	if err := sw.SetColWidth(3, len(SupplyHeaders), 12); err != nil {
		return err
	}
	header := make([]any, len(SupplyHeaders))
	for i, h := range SupplyHeaders {
		header[i] = h
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i, l := range ev.Items {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{l.Rank, l.Provider, l.Entries, l.CompleteEntries, l.Completeness, l.Timeliness, l.Quality,
			l.ScoredEntries, l.Tickets, l.AnsweredOnTime, l.Overdue, l.Pending, l.Withdrawn, l.Response, l.Score, l.ProviderID}); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := f.NewSheet(NotesSheet); err != nil {
		return err
	}
	notes := [][]any{
		{"评估期间", ev.From + " 至 " + ev.To},
		{"生成时间", ev.At.In(calendar.Shanghai()).Format("2006-01-02 15:04:05")},
		{"目录完整性权重", ev.Weights.Completeness},
		{"更新及时性权重", ev.Weights.Timeliness},
		{"数据质量权重", ev.Weights.Quality},
		{"答复及时率权重", ev.Weights.Response},
		{"说明", "各项得分为0–100分；综合得分 = Σ 权重 × 分项得分。目录完整性：字段均有说明、分类、分级且已有数据版本的目录项占比；" +
			"更新及时性：期间内数据版本处于声明更新频率之内的时间占比；数据质量：期末当前版本质量规则得分均值；答复及时率：按时答复工单 / (按时答复 + 逾期)。"},
	}
	for i, row := range notes {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellValue(NotesSheet, cell, v); err != nil {
				return err
			}
		}
	}
	if err := f.SetColWidth(NotesSheet, "A", "A", 18); err != nil {
		return err
	}
	if err := f.SetColWidth(NotesSheet, "B", "B", 80); err != nil {
		return err
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("quality: write the workbook: %w", err)
	}
	return nil
}

package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"shuyu/internal/calendar"
	"shuyu/internal/evaluation"
	"shuyu/internal/identity"
	"shuyu/internal/store"
)

// demoAnswers are the operator's self-assessment of the built-in template's
// items; other items get a plain answer.
var demoAnswers = map[string]string{
	"scope":         "全年共使用授权数据 3 个，均在协议数据范围内；使用场景限于已批准的“企业信用画像”和“就业监测”两项。",
	"no_raw_export": "全部分析在平台开发环境内完成，出域结果均经审核，未导出原始数据，未向第三方提供数据。",
	"staff":         "进入开发环境的分析人员 2 名，其中 1 名已完成岗前培训并签订保密协议，另 1 名为年内新入职人员，手续正在办理。",
	"benefit":       "“就业监测”服务为市人社局提供月度就业形势分析，“企业信用画像”服务 12 家金融机构的小微企业授信。",
}

// The demo's reviewers take 3 points off the staff item (or the first item
// of another template) for what they find there.
const (
	findingItem = "staff"
	findingText = "1 名进入开发环境的分析人员未完成岗前安全培训、未签订保密协议（第三十条）。"
	requirement = "为该人员补充岗前安全培训并签订保密协议，提交培训记录和协议扫描件；完成前暂停其开发环境权限。"
)

// SeedEvaluation gives the demo operator's agreement an evaluation of the
// previous year (of the agreement's first year, startYear, if that is
// later): answered by the operator with evidence, scored by the city
// bureau with points taken off one item, finalised, and that finding made
// a rectification task due 20 working days from now. An agreement that has
// that evaluation already is left alone, so a second run adds nothing.
func SeedEvaluation(ctx context.Context, ids *identity.Service, ev *evaluation.Service, agreementID string, startYear int) error {
	bureau, err := ids.PrincipalOf(ctx, "bureau")
	if err != nil {
		return err
	}
	operator, err := ids.PrincipalOf(ctx, "operator")
	if err != nil {
		return err
	}
	year := max(calendar.DateOf(time.Now()).Year()-1, startYear)
	found, _, err := ev.Evaluations(ctx, bureau, evaluation.EvaluationFilter{AgreementID: agreementID, Year: year}, store.NewPage(1, ""))
	if err != nil || len(found) > 0 {
		return err
	}
	e, err := ev.Open(ctx, bureau, evaluation.OpenInput{AgreementID: agreementID, Year: year})
	if err != nil {
		return fmt.Errorf("demo evaluation: open: %w", err)
	}
	flawed := e.Items[0].Key
	if slices.ContainsFunc(e.Items, func(it evaluation.ItemResult) bool { return it.Key == findingItem }) {
		flawed = findingItem
	}
	for _, it := range e.Items {
		in := evaluation.AnswerInput{Answer: demoAnswers[it.Key]}
		if in.Answer == "" {
			in.Answer = "已按协议要求执行，相关材料留存备查。"
		}
		if it.Key == "scope" {
			in.Files = []evaluation.Upload{{Filename: "年度数据使用清单.txt",
				Body: strings.NewReader("数据集\t场景\n社会保险参保信息\t就业监测\n企业登记信息\t企业信用画像\n纳税信用等级\t企业信用画像\n")}}
		}
		if _, err := ev.Answer(ctx, operator, e.ID, it.Key, in); err != nil {
			return fmt.Errorf("demo evaluation: answer %s: %w", it.Key, err)
		}
	}
	if _, err := ev.Step(ctx, operator, e.ID, evaluation.ActSubmit, evaluation.StepInput{}); err != nil {
		return fmt.Errorf("demo evaluation: submit: %w", err)
	}
	for _, it := range e.Items {
		in := evaluation.ScoreInput{Points: &it.Weight}
		if it.Key == flawed {
			pts := it.Weight - 3
			in = evaluation.ScoreInput{Points: &pts, Comment: findingText}
		}
		if _, err := ev.Score(ctx, bureau, e.ID, it.Key, in); err != nil {
			return fmt.Errorf("demo evaluation: score %s: %w", it.Key, err)
		}
	}
	if _, err := ev.Step(ctx, bureau, e.ID, evaluation.ActGrade, evaluation.StepInput{}); err != nil {
		return fmt.Errorf("demo evaluation: grade: %w", err)
	}
	if _, err := ev.Step(ctx, bureau, e.ID, evaluation.ActFinalise, evaluation.StepInput{Comment: "运营情况总体良好；人员管理存在 1 项问题，限期整改。"}); err != nil {
		return fmt.Errorf("demo evaluation: finalise: %w", err)
	}
	in := evaluation.FindingInput{ItemKey: flawed, Finding: findingText, Requirement: requirement}
	if _, err := ev.CreateRectification(ctx, bureau, e.ID, in); err != nil {
		return fmt.Errorf("demo evaluation: rectification: %w", err)
	}
	return nil
}

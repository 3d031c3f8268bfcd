package tender

import (
	"context"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/plan"
)

// Requirement is one qualification of Art. 13 an applicant declares.
type Requirement struct {
	Item int    `json:"item"`
	Text string `json:"text"`
	// Incidents: the item asks for no such incident in the last three years,
	// which the applicant answers yes or no (no_incidents).
	Incidents bool `json:"incidents"`
	// Evidence: at least one evidence file is required.
	Evidence bool `json:"evidence"`
}

// Requirements are the seven items of Art. 13.
var Requirements = []Requirement{
	{Item: 1, Text: "经营状况和信用状况良好", Evidence: true},
	{Item: 2, Text: "具备相应的系统建设运维、数据应用合规监测、应急处置能力", Evidence: true},
	{Item: 3, Text: "具备专业技术队伍服务能力", Evidence: true},
	{Item: 4, Text: "建立安全保障制度，具备数据安全防护能力，近三年未发生对国家安全、社会秩序、经济建设和公众利益产生较大影响的数据安全事件",
		Incidents: true, Evidence: true},
	{Item: 5, Text: "根据公共数据分类分级管理要求，建立健全公共数据安全管理制度，对本单位公共数据授权运营相关的岗位人员、系统平台、技术应用、对外合作等实施全面的安全管理",
		Evidence: true},
	{Item: 6, Text: "利用各种技术手段，建立健全高效的安全技术防护和运行体系，加强对公共数据的全过程安全防护和监测预警，确保公共数据安全，切实保护个人信息。近3年未发生网络安全或数据安全事件",
		Incidents: true, Evidence: true},
	{Item: 7, Text: "符合公共数据资源授权运营的其他规定要求"},
}

// Declaration is an applicant's answer to one item of Art. 13.
type Declaration struct {
	Item   int    `json:"item"`
	Answer string `json:"answer"`
	// NoIncidents answers the items that ask for no incident in the last
	// three years: true declares there was none.
	NoIncidents *bool `json:"no_incidents,omitempty"`
}

// File is an evidence file attached to an item.
type File struct {
	ID         string    `json:"id"`
	Item       int       `json:"item"`
	Filename   string    `json:"filename"`
	MediaType  string    `json:"media_type"`
	Bytes      int64     `json:"bytes"`
	SHA256     string    `json:"sha256"`
	UploadedAt time.Time `json:"uploaded_at"`
}

// Check is the unit's finding on one item.
type Check struct {
	Item      int       `json:"item"`
	Pass      bool      `json:"pass"`
	Note      string    `json:"note,omitempty"`
	CheckedBy string    `json:"checked_by"`
	CheckedAt time.Time `json:"checked_at"`
}

// Score is one evaluator's score of one criterion (its index).
type Score struct {
	EvaluatorID string    `json:"evaluator_id"`
	Evaluator   string    `json:"evaluator"`
	Criterion   int       `json:"criterion"`
	Score       int       `json:"score"`
	Note        string    `json:"note,omitempty"`
	ScoredAt    time.Time `json:"scored_at"`
}

// Application is an operator's application to an announcement.
type Application struct {
	ID             string        `json:"id"`
	AnnouncementID string        `json:"announcement_id"`
	Announcement   string        `json:"announcement"`
	OperatorID     string        `json:"operator_id"`
	Operator       string        `json:"operator"`
	State          fsm.State     `json:"state"`
	Declarations   []Declaration `json:"declarations"`
	Files          []File        `json:"files"`
	Checks         []Check       `json:"checks"`
	// CheckReason says why the eligibility check was last reopened.
	CheckReason string `json:"check_reason,omitempty"`
	// Scores and Standing are for the unit and those overseeing it.
	Scores      []Score      `json:"scores,omitempty"`
	Standing    *RankRow     `json:"standing,omitempty"`
	SubmittedBy string       `json:"submitted_by"`
	SubmittedAt time.Time    `json:"submitted_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	Actions     []fsm.Action `json:"actions"`
	unitID      string
}

// States of an application.
const (
	Submitted  fsm.State = "submitted"  // awaiting the eligibility check
	Eligible   fsm.State = "eligible"   // every item passed; to be scored
	Ineligible fsm.State = "ineligible" // an item failed
)

// ApplicationStates lists an application's states.
var ApplicationStates = []fsm.State{Submitted, Eligible, Ineligible}

// Actions on an application: the eligibility check decides qualify or
// disqualify from its findings; recheck reopens it.
const (
	Qualify    fsm.Action = "qualify"
	Disqualify fsm.Action = "disqualify"
	Recheck    fsm.Action = "recheck"
)

// CheckInput is the unit's finding on one item; a failed item needs a note.
type CheckInput struct {
	Item int    `json:"item"`
	Pass bool   `json:"pass"`
	Note string `json:"note,omitempty"`
}

type appSubject struct {
	app    Application
	stage  fsm.State // the announcement's state
	checks []CheckInput
	reason *string
}

// ApplicationMachine is the lifecycle of an application during selection.
var ApplicationMachine = fsm.New("application",
	fsm.Transition[appSubject]{From: []fsm.State{Submitted}, Action: Qualify, To: Eligible, Who: access.ApplicationCheck, Guard: allPass},
	fsm.Transition[appSubject]{From: []fsm.State{Submitted}, Action: Disqualify, To: Ineligible, Who: access.ApplicationCheck, Guard: inSelection},
	fsm.Transition[appSubject]{From: []fsm.State{Eligible, Ineligible}, Action: Recheck, To: Submitted, Who: access.ApplicationCheck, Guard: recheckable},
)

func inSelection(_ context.Context, s appSubject) error {
	if s.stage != Selection {
		return errs.E(errs.Conflict, "the announcement is %s; applications are checked during selection", s.stage)
	}
	return nil
}

func allPass(ctx context.Context, s appSubject) error {
	for _, c := range s.checks {
		if !c.Pass {
			return errs.E(errs.Invalid, "item %d failed; the application is not eligible", c.Item)
		}
	}
	return inSelection(ctx, s)
}

func recheckable(ctx context.Context, s appSubject) error {
	if err := plan.Text("reason", s.reason, 2000, "why the eligibility check is reopened"); err != nil {
		return err
	}
	return inSelection(ctx, s)
}

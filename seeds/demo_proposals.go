package seeds

import (
	"context"
	"fmt"

	"tongsheng/models"
)

// demo signs in the demo people, so that the demo story is told by them, through the same rules
// as any request.
type demo struct {
	ctx                    context.Context
	s                      *models.Store
	committee, facilitator *models.Actor
	kids                   map[string]*models.Actor
	err                    error
}

func (d *demo) check(err error) {
	if d.err == nil && err != nil {
		d.err = err
	}
}

func (d *demo) propose(body, who, title, desc, category string) string {
	if d.err != nil {
		return ""
	}
	p, err := d.s.CreateProposal(d.ctx, d.kids[who], models.ProposalInput{BodyID: body, Title: title, Description: desc, Category: category})
	d.check(err)
	if err != nil {
		return ""
	}
	return p.ID
}

func (d *demo) stage(id, to, note, summary string) {
	if d.err == nil {
		_, err := d.s.ChangeStage(d.ctx, d.committee, id, models.StageInput{To: to, Note: note, Summary: summary})
		d.check(err)
	}
}

func (d *demo) options(id string, titles ...string) []string {
	var ids []string
	for _, t := range titles {
		if d.err != nil {
			return ids
		}
		o, err := d.s.AddOption(d.ctx, d.committee, id, models.OptionInput{Title: t})
		d.check(err)
		if err == nil {
			ids = append(ids, o.ID)
		}
	}
	return ids
}

func (d *demo) decide(id, outcome, summary, unit, planned string) {
	if d.err == nil {
		_, err := d.s.PostDecision(d.ctx, d.committee, id, models.DecisionInput{Outcome: outcome, ChildSummary: summary,
			ResponsibleUnit: unit, PlannedCompletion: planned})
		d.check(err)
	}
}

func (d *demo) vote(id, option string, who ...string) {
	for _, w := range who {
		if d.err == nil {
			d.check(d.s.CastVote(d.ctx, d.kids[w], id, option))
		}
	}
}

func (d *demo) rate(id, who string, r models.Ratings, comment string) {
	if d.err == nil {
		_, err := d.s.Evaluate(d.ctx, d.kids[who], id, r, comment)
		d.check(err)
	}
}

// demoProposals puts a proposal in every stage, with supports, options, votes, decisions,
// evaluations and an inspection, drawn from 乐清市's action plan.
func demoProposals(ctx context.Context, s *models.Store, council string) error {
	at := models.SignIn{Address: "demo"}
	d := &demo{ctx: ctx, s: s, kids: map[string]*models.Actor{}}
	var err error
	if d.committee, err = s.StaffSignIn(ctx, CommitteeUser, CommitteePassword, at); err != nil {
		return err
	}
	if d.facilitator, err = s.StaffSignIn(ctx, FacilitatorUser, FacilitatorPassword, at); err != nil {
		return err
	}
	for _, c := range append(CouncilChildren, ObserverChildren...) {
		code := CouncilCode
		if c.LoginName == "xingxing" {
			code = ObserverCode
		}
		if d.kids[c.LoginName], err = s.ChildSignIn(ctx, code, c.LoginName, c.PIN, at); err != nil {
			return fmt.Errorf("sign in %s: %w", c.LoginName, err)
		}
	}

	// 需求表达: a new wish, supported and discussed.
	shade := d.propose(council, "xiaoyu", "清和公园滑梯旁边加遮阳棚", "夏天中午滑梯很烫，旁边也没有地方乘凉。希望在滑梯旁边搭一个遮阳棚，再放几张长椅。", "park")
	for _, w := range []string{"lele", "duoduo"} {
		if d.err == nil {
			_, err := s.SetSupport(ctx, d.kids[w], shade, true)
			d.check(err)
		}
	}
	if d.err == nil {
		_, err := s.AddComment(ctx, d.kids["lele"], shade, models.CommentInput{Body: "我也觉得！上次我的手被滑梯烫到了。"})
		d.check(err)
		_, err = s.AddComment(ctx, d.facilitator, shade, models.CommentInput{Body: "谢谢小雨，我们下周去公园量一量滑梯旁边的空地。"})
		d.check(err)
	}

	// 方案制定: design options, votes while voting is open.
	crossing := d.propose(council, "lele", "学校门口的爱心斑马线再醒目一点", "放学的时候车很多，天黑得早，司机看不清斑马线。", "school_route")
	d.stage(crossing, models.StageDesign, "请交警大队和设计师一起出方案", "")
	opts := d.options(crossing, "方案一：地面发光的斑马线", "方案二：路口加装闪烁警示灯", "方案三：放学时增加护学岗志愿者")
	if len(opts) == 3 {
		d.vote(crossing, opts[0], "xiaoyu", "duoduo")
		d.vote(crossing, opts[2], "lele")
	}

	// 决策公示: a published decision with a summary a child understands.
	home := d.propose(council, "duoduo", "儿童之家周末也开放", "周末爸爸妈妈要上班，我们想去儿童之家看书和做手工。", "childrens_home")
	d.decide(home, models.OutcomeAdopted, "从下个月起，乐成街道儿童之家每周六上午也开放，会有志愿者哥哥姐姐陪着大家。", "乐成街道办事处", "2026-12-31")

	// 评估反馈: built, rated by children and inspected by the observer group.
	path := d.propose(council, "xiaoyu", "清和公园建一条儿童友好步道", "希望步道上有小朋友能看懂的指示牌，还有可以休息的地方。", "park")
	d.stage(path, models.StageDesign, "", "")
	popts := d.options(path, "方案一：环湖的彩色步道", "方案二：穿过树林的自然步道")
	if len(popts) == 2 {
		d.vote(path, popts[1], "xiaoyu", "lele", "duoduo")
	}
	d.decide(path, models.OutcomeAdopted, "大家选了穿过树林的自然步道。我们会按照大家的想法修建，路上有指示牌和休息的长椅。", "市住建局", "2026-10-31")
	d.stage(path, models.StageEvaluation, "步道已经修好了，请大家去走一走，打个分。", "")
	d.rate(path, "lele", models.Ratings{Safety: 5, Fun: 4, Access: 4, Looks: 5}, "树林里很凉快，指示牌也看得懂。")
	d.rate(path, "duoduo", models.Ratings{Safety: 4, Fun: 5, Access: 3, Looks: 4}, "")
	if d.err == nil {
		_, err := s.FileInspection(ctx, d.kids["xingxing"], path, []models.InspectionItem{
			{Item: "路面平整，没有坑洼", OK: true},
			{Item: "指示牌小朋友看得懂", OK: true},
			{Item: "每隔一段有休息的地方", OK: false, Note: "后半段没有长椅"},
		}, "步道很好走，建议在后半段加两张长椅。")
		d.check(err)
	}

	// 已办结: the loop closed, with what became of the children's voice.
	books := d.propose(council, "lele", "市图书馆少儿区多放一些科普书", "我们喜欢恐龙和太空的书，但是总是被借光。", "library")
	d.decide(books, models.OutcomeAdopted, "少儿区新买了 300 本科普书，还设了一个“太空角”。", "市文广旅体局", "2026-09-30")
	d.stage(books, models.StageEvaluation, "", "")
	d.rate(books, "xiaoyu", models.Ratings{Safety: 5, Fun: 5, Access: 4, Looks: 5}, "太空角太棒了！")
	d.stage(books, models.StageClosed, "", "新书和太空角很受欢迎，平均评分 4.8 分。谢谢大家的建议！")

	// Not adopted, with the reason, and closed.
	bridge := d.propose(council, "duoduo", "学校门口修一座过街天桥", "过马路的时候有点害怕。", "safety")
	d.decide(bridge, models.OutcomeNotAdopted, "学校门口地方太小，修不了天桥。我们先把斑马线变得更醒目，并在放学时安排护学岗。", "市交通运输局", "")
	d.stage(bridge, models.StageClosed, "", "")
	return d.err
}

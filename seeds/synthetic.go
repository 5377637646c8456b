package seeds

import (
	"context"
	"fmt"

	"tongsheng/models"
)

// Synthetic is a generated city for benchmarks: bodies of children, each child with consent,
// and proposals spread over the bodies, all made through the domain's own rules.
type Synthetic struct {
	Bodies    []*models.Body
	Children  [][]*models.Actor // by body
	Proposals []string
}

// SyntheticSize says how large a generated city is.
type SyntheticSize struct {
	Bodies, ChildrenPerBody, Proposals int
}

// Generate builds a synthetic city in an empty store.
func Generate(ctx context.Context, s *models.Store, size SyntheticSize) (*Synthetic, error) {
	sys := models.SystemActor()
	city, err := s.CreateRegion(ctx, sys, models.RegionInput{Name: "常州市", Kind: "city"})
	if err != nil {
		return nil, err
	}
	out := &Synthetic{}
	for b := range size.Bodies {
		body, err := s.CreateBody(ctx, sys, models.BodyInput{Name: fmt.Sprintf("龙城小小规划师第%d组", b+1), Kind: models.BodyCouncil, RegionID: city.ID})
		if err != nil {
			return nil, err
		}
		out.Bodies = append(out.Bodies, body)
		var kids []*models.Actor
		for c := range size.ChildrenPerBody {
			m, err := s.AddMember(ctx, sys, body.ID, models.MemberInput{Nickname: fmt.Sprintf("同学%d", c+1), LoginName: fmt.Sprintf("c%d", c),
				PIN: "2580", BirthYear: 2015, BirthMonth: 1 + c%12})
			if err != nil {
				return nil, err
			}
			if err := s.RecordPaperConsent(ctx, sys, m.Child.ID, models.PaperConsent{GuardianName: "家长", Relation: "家长", Reference: "SYN"}); err != nil {
				return nil, err
			}
			a := &models.Actor{ID: m.Child.ID, Role: models.RoleChild, ConsentStatus: models.ConsentActive, BodyIDs: []string{body.ID}}
			if err := s.SetAssent(ctx, a, true); err != nil {
				return nil, err
			}
			kids = append(kids, a)
		}
		out.Children = append(out.Children, kids)
	}
	places := []string{"清和公园", "东运河沙滩公园", "儿童之家", "市图书馆", "爱心斑马线", "盐盆山山体公园"}
	wishes := []string{"加遮阳的座位", "修好坏掉的滑梯", "多开一小时", "增加饮水机", "放学时有人护学", "加一个阅读角"}
	categories := []string{"park", "park", "childrens_home", "library", "school_route", "park"}
	for i := range size.Proposals {
		b := i % len(out.Bodies)
		kid := out.Children[b][i%len(out.Children[b])]
		d, err := s.CreateProposal(ctx, kid, models.ProposalInput{BodyID: out.Bodies[b].ID,
			Title: places[i%len(places)] + wishes[(i/len(places))%len(wishes)], Description: fmt.Sprintf("第%d条建议：希望%s能%s。", i+1, places[i%len(places)], wishes[i%len(wishes)]),
			Category: categories[i%len(places)]})
		if err != nil {
			return nil, err
		}
		out.Proposals = append(out.Proposals, d.ID)
	}
	return out, nil
}

package api

import (
	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

type staffLoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Session  string `json:"session"`
}

type childLoginRequest struct {
	BodyCode  string `json:"body_code"`
	LoginName string `json:"login_name"`
	PIN       string `json:"pin"`
	Session   string `json:"session"`
}

func (s *server) staffLogin(c *fiber.Ctx) error {
	var req staffLoginRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := checkSessionKind(req.Session); err != nil {
		return err
	}
	a, err := s.store.StaffSignIn(c.UserContext(), req.Username, req.Password, s.signIn(c))
	if err != nil {
		return err
	}
	return s.startSession(c, a, req.Session == "cookie")
}

func (s *server) childLogin(c *fiber.Ctx) error {
	var req childLoginRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := checkSessionKind(req.Session); err != nil {
		return err
	}
	a, err := s.store.ChildSignIn(c.UserContext(), req.BodyCode, req.LoginName, req.PIN, s.signIn(c))
	if err != nil {
		return err
	}
	return s.startSession(c, a, req.Session == "cookie")
}

func checkSessionKind(kind string) error {
	if kind != "" && kind != "cookie" && kind != "token" {
		return models.BadField("session", "field.unknown_value")
	}
	return nil
}

// signIn describes the attempt: the client address (rate limits) and its language (first sign-in).
func (s *server) signIn(c *fiber.Ctx) models.SignIn {
	return models.SignIn{Address: s.clientAddr(c), Locale: langOf(c)}
}

// startSession answers a successful sign-in with a token, or with an HttpOnly cookie and no
// token in the body when the browser asked for one.
func (s *server) startSession(c *fiber.Ctx, a *models.Actor, cookie bool) error {
	jti, expires, err := s.store.StartSession(c.UserContext(), a)
	if err != nil {
		return err
	}
	token, err := s.tokens.issue(a, jti, expires)
	if err != nil {
		return err
	}
	me, err := s.store.Me(c.UserContext(), a)
	if err != nil {
		return err
	}
	reply := fiber.Map{"expires_at": expires, "user": me}
	if cookie {
		s.setSessionCookie(c, token, expires)
	} else {
		reply["token"] = token
	}
	return c.JSON(reply)
}

func (s *server) logout(c *fiber.Ctx) error {
	if err := s.store.EndSession(c.UserContext(), actor(c).SessionID); err != nil {
		return err
	}
	s.clearSessionCookie(c)
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *server) me(c *fiber.Ctx) error {
	me, err := s.store.Me(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(me)
}

type updateMeRequest struct {
	Locale string `json:"locale"`
}

func (s *server) updateMe(c *fiber.Ctx) error {
	var req updateMeRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if _, ok := s.catalog.Messages(req.Locale); !ok {
		return models.BadField("locale", "field.locale")
	}
	a := actor(c)
	if err := s.store.SetLocale(c.UserContext(), a, req.Locale); err != nil {
		return err
	}
	return s.me(c)
}

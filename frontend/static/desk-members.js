// A body's members on the desk: one table with headers, each child's consent and live link
// (issued, expires) and sign-in lock; per child a new link to copy, paper consent, paper
// withdrawal and a PIN reset (which lifts a lock). Letters print by default only for children
// without a live link, and say how many live links a reprint would replace.
import { state, t, h, api, navigate, mount, note, langSwitch, limit, qrCode } from "./shell.js";
import { errorNotes, confirmLater, confirmation, day, time, copyButton } from "./desk-common.js";

export async function membersPage(bodyID, top, signIn) {
  const bodies = await api("GET", "/api/v1/bodies?limit=100");
  if (bodies.status === 401) return signIn();
  const list = bodies.ok ? bodies.data.items : [];
  const body = list.find((b) => b.id === bodyID) || list[0];
  if (!body) return mount(top(), h("main", {}, h("h1", {}, t("ui.members")), note(t("ui.no_bodies"))));
  const m = await api("GET", `/api/v1/bodies/${body.id}/members?limit=100`);
  const again = () => membersPage(body.id, top, signIn);
  const kids = m.ok ? m.data.items : [];
  const waiting = kids.filter((k) => k.consent_status === "pending");
  const live = waiting.filter((k) => k.link_expires_at).length;

  const rows = [];
  for (const k of kids) {
    const panel = h("tr", { class: "panel", hidden: true }, h("td", { colspan: "5" }));
    const manage = h("button", { class: "big", "data-testid": "manage-child", "aria-expanded": "false",
      "aria-label": t("ui.desk_manage_child", { Nickname: k.nickname || k.login_name }),
      onclick: () => {
        const open = panel.hidden;
        panel.hidden = !open;
        manage.setAttribute("aria-expanded", String(open));
        if (open && !panel.firstChild.firstChild) panel.firstChild.append(childPanel(k, body, again));
      } }, t("ui.desk_manage"));
    const label = (key) => ({ "data-label": t(key) });
    rows.push(h("tr", { "data-testid": "member-row", "data-login": k.login_name },
      h("td", label("ui.desk_col_child"), h("strong", {}, k.nickname || t("ui.anonymous_participant")),
        h("span", { class: "meta" }, k.login_name, " · ", t("ui.desk_age", { Age: k.age }))),
      h("td", label("ui.desk_col_consent"), t("consent." + k.consent_status),
        k.consent_status === "active" && k.assent !== "given" ? h("span", { class: "meta" }, t("ui.desk_assent." + k.assent)) : null),
      h("td", { ...label("ui.desk_col_link"), "data-testid": "link-times" }, k.link_expires_at
        ? h("span", {}, t("ui.desk_link_times", { Issued: day(k.link_issued_at), Expires: day(k.link_expires_at) }))
        : k.consent_status === "pending" ? h("span", { class: "due late" }, t("ui.desk_no_live_link")) : "—"),
      h("td", { ...label("ui.desk_col_signin"), "data-testid": "lock" }, k.locked_until
        ? h("span", { class: "due late" }, t("ui.desk_locked_until", { Time: time(k.locked_until) })) : t("ui.desk_can_sign_in")),
      h("td", { class: "actions" }, manage)), panel);
  }

  const out = h("div", { "aria-live": "polite" });
  const f = { nickname: h("input", { id: "nick", maxlength: limit("nickname").max }), login_name: h("input", { id: "lname", maxlength: limit("login_name").max }),
    pin: h("input", { id: "mpin", inputmode: "numeric", maxlength: limit("pin").max }),
    birth_year: h("input", { id: "by", inputmode: "numeric", maxlength: "4" }), birth_month: h("input", { id: "bm", inputmode: "numeric", maxlength: "2" }) };
  const add = async () => {
    const r = await api("POST", `/api/v1/bodies/${body.id}/members`, { nickname: f.nickname.value, login_name: f.login_name.value, pin: f.pin.value,
      birth_year: Number(f.birth_year.value), birth_month: Number(f.birth_month.value) });
    if (!r.ok) return out.replaceChildren(...errorNotes(r.error));
    const url = h("p", { class: "url", "data-testid": "consent-link" }, r.data.consent.link);
    out.replaceChildren(note(t("ui.member_added"), "ok"), url, copyButton(r.data.consent.link, url));
  };

  mount(top(), h("main", { class: "wide" }, h("h1", {}, t("ui.members")),
    h("div", { class: "row" }, ...list.map((b) => h("button", { class: b.id === body.id ? "tab on" : "tab", "aria-pressed": String(b.id === body.id),
      onclick: () => navigate(`/staff/members/${b.id}`) }, b.name))),
    confirmation(),
    h("p", { class: "meta" }, t("ui.desk_join_code", { Code: body.join_code || "" })),
    h("div", { class: "table-wrap" }, h("table", { class: "grid members", "data-testid": "members" },
      h("caption", { class: "visually-hidden" }, t("ui.members")),
      h("thead", {}, h("tr", {}, ...["ui.desk_col_child", "ui.desk_col_consent", "ui.desk_col_link", "ui.desk_col_signin", "ui.desk_col_actions"]
        .map((key) => h("th", { scope: "col" }, t(key))))),
      h("tbody", {}, ...rows))),
    h("section", { class: "card" }, h("h2", {}, t("ui.desk_letters")),
      h("p", {}, t("ui.desk_letters_explained", { Waiting: waiting.length - live, Live: live })),
      h("div", { class: "row" },
        h("button", { class: "big primary", "data-testid": "print-letters", onclick: () => letters(body, false, top, again) }, t("ui.desk_print_letters")),
        live ? h("button", { class: "big", "data-testid": "reprint-letters", onclick: () => letters(body, true, top, again) }, t("ui.desk_reprint_letters", { Count: live })) : null)),
    h("section", { class: "card" }, h("h2", {}, t("ui.add_member")),
      h("label", { for: "nick" }, t("ui.nickname")), f.nickname, h("label", { for: "lname" }, t("ui.login_name")), f.login_name,
      h("label", { for: "mpin" }, t("ui.pin")), f.pin, h("label", { for: "by" }, t("ui.birth_year")), f.birth_year, h("label", { for: "bm" }, t("ui.birth_month")), f.birth_month,
      out, h("button", { class: "big primary", "data-testid": "add-member", onclick: add }, t("ui.add")))));
}

/** childPanel holds what a facilitator does for one child. */
function childPanel(k, body, again) {
  const id = k.id, n = k.login_name;
  const out = h("div", { "aria-live": "polite" });
  const send = async (path, payload, done) => {
    const r = await api("POST", path, payload);
    if (!r.ok) return out.replaceChildren(...errorNotes(r.error));
    confirmLater(done(r.data));
    again();
  };
  const parts = [];
  if (k.consent_status !== "withdrawn") {
    // A new link for this child alone: shown here to copy, the old one stops working.
    const linkOut = h("div", {});
    parts.push(h("div", { class: "part" }, h("h3", {}, t("ui.desk_new_link")),
      h("p", { class: "meta" }, t("ui.desk_new_link_explained")), linkOut,
      h("button", { class: "big", "data-testid": "new-link", onclick: async () => {
        const r = await api("POST", `/api/v1/children/${id}/consent/link`);
        if (!r.ok) return linkOut.replaceChildren(...errorNotes(r.error));
        const url = h("p", { class: "url", "data-testid": "new-link-url" }, r.data.link);
        linkOut.replaceChildren(note(t("ui.desk_link_made", { Date: day(r.data.expires_at) }), "ok"), url, copyButton(r.data.link, url));
      } }, t("ui.desk_make_link"))));
  }
  if (k.consent_status === "pending" || k.consent_status === "refused") {
    const g = h("input", { id: "pc-name-" + n, maxlength: limit("guardian_name").max, "data-testid": "paper-guardian" });
    const rel = h("input", { id: "pc-rel-" + n, maxlength: limit("relation").max, "data-testid": "paper-relation" });
    const ref = h("input", { id: "pc-ref-" + n, maxlength: "100", "data-testid": "paper-reference" });
    const pub = h("input", { type: "checkbox", id: "pc-pub-" + n });
    const photos = h("input", { type: "checkbox", id: "pc-photo-" + n });
    parts.push(h("div", { class: "part" }, h("h3", {}, t("ui.desk_paper_consent")), h("p", { class: "meta" }, t("ui.desk_paper_explained")),
      h("label", { for: g.id }, t("ui.desk_guardian_name")), g, h("label", { for: rel.id }, t("ui.desk_relation")), rel,
      h("label", { for: ref.id }, t("ui.desk_reference")), ref,
      h("div", { class: "check" }, pub, h("label", { for: pub.id }, t("ui.desk_scope_public"))),
      h("div", { class: "check" }, photos, h("label", { for: photos.id }, t("ui.desk_scope_photos"))),
      h("button", { class: "big primary", "data-testid": "paper-consent", onclick: () => send(`/api/v1/children/${id}/consent/paper`,
        { guardian_name: g.value, relation: rel.value, reference: ref.value, scopes: { show_publicly: pub.checked, photos: photos.checked } },
        () => t("ui.desk_done_paper", { Nickname: k.nickname })) }, t("ui.desk_record_paper"))));
  }
  if (k.consent_status !== "withdrawn") {
    const ref = h("input", { id: "wd-ref-" + n, maxlength: "100", "data-testid": "withdraw-reference" });
    const erase = h("input", { type: "checkbox", id: "wd-erase-" + n, "data-testid": "withdraw-erase" });
    const sure = h("input", { type: "checkbox", id: "wd-sure-" + n, "data-testid": "withdraw-sure" });
    parts.push(h("details", { class: "part" }, h("summary", {}, t("ui.desk_paper_withdrawal")),
      h("p", { class: "meta" }, t("ui.desk_withdrawal_explained")),
      h("label", { for: ref.id }, t("ui.desk_reference")), ref,
      h("div", { class: "check" }, erase, h("label", { for: erase.id }, t("ui.desk_withdraw_erase"))),
      h("div", { class: "check" }, sure, h("label", { for: sure.id }, t("ui.desk_withdraw_sure", { Nickname: k.nickname || n }))),
      h("button", { class: "big danger", "data-testid": "paper-withdraw", onclick: () => {
        if (!sure.checked) return out.replaceChildren(note(t("ui.desk_withdraw_confirm_first"), "error"));
        send(`/api/v1/children/${id}/consent/withdraw`, { erase: erase.checked, reference: ref.value }, () => t("ui.desk_done_withdrawn"));
      } }, t("ui.desk_record_withdrawal"))));
  }
  const pin = h("input", { id: "pin-" + n, inputmode: "numeric", maxlength: limit("pin").max, autocomplete: "off", "data-testid": "new-pin" });
  parts.push(h("div", { class: "part" }, h("h3", {}, t("ui.desk_pin_reset")),
    h("p", { class: "meta" }, k.locked_until ? t("ui.desk_pin_unlocks") : t("ui.desk_pin_explained")),
    h("label", { for: pin.id }, t("ui.desk_new_pin", { Min: limit("pin").min, Max: limit("pin").max })), pin,
    h("button", { class: "big", "data-testid": "reset-pin", onclick: () => send(`/api/v1/children/${id}/pin`, { pin: pin.value },
      () => t("ui.desk_done_pin", { Nickname: k.nickname || n })) }, t("ui.desk_set_pin"))));
  return h("div", { class: "child-panel", "data-testid": "child-panel" }, out, ...parts);
}

/** letters prints consent letters: by default only for waiting children without a live link;
 * replace issues fresh links for all of them, and the old ones stop working. */
async function letters(body, replace, top, back) {
  const r = await api("POST", `/api/v1/bodies/${body.id}/consent-links`, replace ? { replace: true } : undefined);
  if (!r.ok) return mount(top(), h("main", {}, ...errorNotes(r.error)));
  const { items, replaced, kept } = r.data;
  // Switching language redraws these letters: asking again would issue other links.
  const show = () => mount(h("main", { class: "letters" },
    h("div", { class: "noprint" },
      h("h1", {}, t("ui.desk_letters")),
      note(!items.length ? t("ui.desk_letters_none") : replaced ? t("ui.desk_letters_made", { Count: items.length, Replaced: replaced })
        : t("ui.desk_letters_made_new", { Count: items.length }), items.length ? "ok" : "info"),
      kept ? note(t("ui.desk_letters_kept", { Count: kept }), "info") : null,
      h("div", { class: "row" }, langSwitch(show),
        items.length ? h("button", { class: "big primary", onclick: () => print() }, t("ui.print")) : null,
        kept ? h("button", { class: "big", "data-testid": "reprint-letters", onclick: () => letters(body, true, top, back) }, t("ui.desk_reprint_letters", { Count: kept })) : null,
        h("button", { class: "big", "data-testid": "letters-back", onclick: back }, t("ui.back")))),
    ...items.map((l) => h("article", { class: "letter" },
      h("h1", {}, t("ui.letter_title")), h("p", {}, t("ui.letter_body", { Nickname: l.nickname, Body: body.name })),
      qrCode(l.qr, t("ui.letter_qr")), h("p", { class: "url" }, l.link), h("p", { class: "meta" }, t("ui.letter_expires", { Date: day(l.expires_at) }))))));
  show();
}

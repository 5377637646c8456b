// The guardian's consent page, reached from a link or a printed QR code: the privacy notice in
// plain language, the required and optional choices, 同意 and 拒绝 equally prominent (refusing
// asks for no name); after consent, the child's data as a readable page (JSON as a download)
// and withdrawal with the erase choice explained. After withdrawal the same link shows the
// withdrawn state and still exports.
import { state, t, h, api, mount, note, langSwitch, limit, start, whileBusy } from "./shell.js";

const topBar = () => h("header", { class: "top" }, h("span", { class: "brand" }, t("ui.app_name")), h("span", { class: "spacer" }), langSwitch());

async function show(token) {
  const base = `/api/v1/consent/${encodeURIComponent(token)}`;
  const r = await api("GET", base);
  const top = topBar();
  if (!r.ok) {
    return mount(top, h("main", { class: "narrow" }, h("h1", {}, t("ui.consent_title")),
      note(r.status === 429 ? r.error.message : t("ui.link_invalid"), "error")));
  }
  const v = r.data;
  const notice = h("section", { class: "notice" }, h("h2", {}, v.notice.title),
    ...v.notice.sections.map((s) => h("details", { open: s.key === "purpose" || s.key === "collected" }, h("summary", {}, s.title), h("p", {}, s.body))));
  if (v.status === "withdrawn") return withdrawnPage(token, base, v, top);
  const head = [h("h1", {}, t("ui.consent_title")),
    h("p", { class: "lead" }, t("ui.consent_for", { Nickname: v.child.nickname, Body: v.child.body_name }))];
  if (v.status === "active") return mount(top, h("main", { class: "narrow" }, ...head, note(t("ui.consent_given"), "ok"), notice, afterConsent(token, base)));

  const name = h("input", { id: "gname", autocomplete: "name", maxlength: limit("guardian_name").max });
  const relation = h("input", { id: "relation", maxlength: limit("relation").max, placeholder: t("ui.relation_example") });
  const scopes = {};
  const scopeBoxes = v.notice.scopes.map((s) => {
    const box = h("input", { type: "checkbox", id: "scope-" + s.key, checked: s.required || (s.key !== "participate" && v.scopes[s.key]), disabled: s.required });
    box.addEventListener("change", () => { scopes[s.key] = box.checked; });
    if (!s.required) scopes[s.key] = box.checked;
    return h("div", { class: "check" }, box, h("label", { for: "scope-" + s.key }, s.label));
  });
  const out = h("div", {});
  const decide = (decision) => whileBusy(async () => {
    // A refusal sends no name: nothing about the family is asked for or kept.
    const body = decision === "grant" ? { decision, guardian_name: name.value, relation: relation.value, scopes } : { decision };
    const res = await api("POST", base, body);
    if (!res.ok) {
      const fields = res.error.fields || {};
      return out.replaceChildren(note(res.error.message, "error"), ...Object.values(fields).map((m) => note(m, "error")));
    }
    if (decision === "grant") return show(token);
    mount(top, h("main", { class: "narrow" }, ...head, note(t("ui.consent_refused"), "ok")));
  });
  mount(top, h("main", { class: "narrow" }, ...head, notice,
    h("h2", {}, t("ui.your_choices")), ...scopeBoxes,
    h("label", { for: "gname" }, t("ui.guardian_name_to_grant")), name,
    h("label", { for: "relation" }, t("ui.relation_to_grant")), relation,
    out,
    h("div", { class: "row equal" },
      h("button", { class: "big choice", "data-testid": "consent-grant", onclick: decide("grant") }, t("ui.grant")),
      h("button", { class: "big choice", "data-testid": "consent-deny", onclick: decide("deny") }, t("ui.deny"))),
    h("p", { class: "meta" }, t("ui.deny_no_name"))));
}

/** exportButtons open the child's data as a page to read, or download it as JSON. */
function exportButtons(token, base) {
  return h("div", { class: "row" },
    h("a", { class: "button big", href: `/consent/${encodeURIComponent(token)}/data`, "data-testid": "consent-export" }, t("ui.export_view")),
    h("a", { class: "button big", href: base + "/export", download: "tongsheng-export.json", "data-testid": "consent-export-json" }, t("ui.export_json")));
}

/** withdrawnPage tells the truth after withdrawal: the child's taking part has stopped, they may
 * still sign in and read until their data is removed, and the data can still be seen here. */
function withdrawnPage(token, base, v, top) {
  const out = h("div", {});
  mount(top, h("main", { class: "narrow" },
    h("h1", {}, t("ui.withdrawn_page_title")),
    h("p", { class: "lead" }, v.child.body_name),
    h("section", { class: "card wait", "data-testid": "consent-withdrawn" }, h("p", {}, t("ui.withdrawn_page_body"))),
    h("h2", {}, t("ui.your_data")), exportButtons(token, base),
    h("h2", {}, t("ui.erase_later_title")), h("p", {}, t("ui.erase_later_body")), out,
    h("button", {
      class: "big danger", "data-testid": "erase-later",
      onclick: () => out.replaceChildren(note(t("ui.erase_later_confirm"), "warn"), h("button", {
        class: "big danger", "data-testid": "erase-later-confirm",
        onclick: whileBusy(async () => {
          const r = await api("POST", base + "/withdraw", { erase: true });
          out.replaceChildren(note(r.ok ? t("ui.erase_later_done") : r.error.message, r.ok ? "ok" : "error"));
        }),
      }, t("ui.erase_later_yes"))),
    }, t("ui.erase_later_title"))));
}

function afterConsent(token, base) {
  const out = h("div", {});
  const erase = h("input", { type: "radio", name: "erase", id: "erase-yes", value: "yes" });
  const keep = h("input", { type: "radio", name: "erase", id: "erase-no", value: "no", checked: true });
  return h("section", {},
    h("h2", {}, t("ui.your_data")),
    exportButtons(token, base),
    h("h2", {}, t("ui.withdraw")),
    h("p", {}, t("ui.withdraw_explain")),
    h("div", { class: "check" }, keep, h("label", { for: "erase-no" }, t("ui.withdraw_keep"))),
    h("div", { class: "check" }, erase, h("label", { for: "erase-yes" }, t("ui.withdraw_erase"))),
    out,
    h("button", {
      class: "big danger", "data-testid": "consent-withdraw",
      // A second, explicit step instead of a browser dialog: clear on a phone, and nothing to dismiss by accident.
      onclick: () => out.replaceChildren(note(t("ui.withdraw_confirm"), "warn"), h("button", {
        class: "big danger", "data-testid": "consent-withdraw-confirm",
        onclick: whileBusy(async () => {
          const r = await api("POST", base + "/withdraw", { erase: erase.checked });
          if (!r.ok) return out.replaceChildren(note(r.error.message, "error"));
          show(token); // the page now shows the withdrawn state, as a reload would
        }),
      }, t("ui.withdraw_yes"))),
    }, t("ui.withdraw")));
}

/** dataPage shows everything held about the child as a page a parent can read. */
async function dataPage(token) {
  const base = `/api/v1/consent/${encodeURIComponent(token)}`;
  const r = await api("GET", base + "/export");
  const top = topBar();
  if (!r.ok) {
    return mount(top, h("main", { class: "narrow" }, h("h1", {}, t("ui.export_title")),
      note(r.status === 429 ? r.error.message : t("ui.link_invalid"), "error")));
  }
  const x = r.data;
  const date = (s) => (s ? new Date(s).toLocaleDateString(state.lang) : "—");
  const yes = (b) => t(b ? "ui.yes" : "ui.no");
  const facts = (pairs) => h("dl", { class: "figures" }, ...pairs.flatMap(([k, v]) => [h("dt", {}, t(k)), h("dd", {}, v === "" || v === null || v === undefined ? "—" : String(v))]));
  const list = (title, items, line) => h("section", { "data-testid": "export-section" }, h("h2", {}, t(title), ` (${items.length})`),
    items.length ? h("ul", { class: "export-list" }, ...items.map((i) => h("li", {}, ...[].concat(line(i))))) : h("p", { class: "meta" }, t("ui.export_none")));
  const c = x.child;
  mount(top, h("main", { class: "narrow", "data-testid": "export-page" },
    h("a", { class: "button", href: `/consent/${encodeURIComponent(token)}` }, "← " + t("ui.back")),
    h("h1", {}, t("ui.export_title")),
    h("p", { class: "meta" }, t("ui.export_at", { Date: date(x.exported_at) })),
    h("section", {}, h("h2", {}, t("ui.export_child")), facts([
      ["ui.export_nickname", c.nickname], ["ui.export_real_name", c.real_name],
      ["ui.export_birth", c.birth_year ? `${c.birth_year}-${String(c.birth_month).padStart(2, "0")}` : ""],
      ["ui.export_status", t("consent_status." + c.consent_status)], ["ui.export_public", yes(c.show_publicly)], ["ui.export_since", date(c.created_at)]])),
    list("ui.export_bodies", x.memberships || [], (m) => [m.body_name, m.login_name ? h("span", { class: "meta" }, t("ui.export_login", { Login: m.login_name })) : null]),
    list("ui.export_guardians", x.guardians || [], (g) => `${g.name} · ${g.relation} · ${g.contact}`),
    list("ui.export_consents", x.consents || [], (k) => `${t("consent_status." + k.status)} · ${date(k.decided_at || k.created_at)}${k.withdrawn_at ? " → " + date(k.withdrawn_at) : ""}`),
    list("ui.export_proposals", x.proposals || [], (p) => [h("strong", {}, p.title), p.description ? h("p", {}, p.description) : null, h("span", { class: "meta" }, date(p.created_at))]),
    list("ui.export_comments", x.comments || [], (m) => [h("p", {}, m.body), h("span", { class: "meta" }, date(m.created_at))]),
    list("ui.export_supports", x.supports || [], (s) => `${s.title} · ${date(s.at)}`),
    list("ui.export_votes", x.votes || [], (v) => `${v.title} → ${v.option_title} · ${date(v.at)}`),
    list("ui.export_evaluations", x.evaluations || [], (e) => [Object.entries(e.ratings || {}).map(([k, n]) => `${t("criterion." + k)} ${n}`).join(" · "),
      e.comment ? h("p", {}, e.comment) : null, h("span", { class: "meta" }, date(e.at))]),
    list("ui.export_inspections", x.inspections || [], (i) => [i.summary || "—", h("span", { class: "meta" }, date(i.created_at))]),
    h("a", { class: "button big", href: base + "/export", download: "tongsheng-export.json", "data-testid": "consent-export-json" }, t("ui.export_json"))));
}

start((path) => path.startsWith("/consent/"), (path) => {
  const rest = path.slice("/consent/".length);
  if (rest.endsWith("/data")) return dataPage(decodeURIComponent(rest.slice(0, -"/data".length)));
  return show(decodeURIComponent(rest));
});

// The staff desk: proposals by stage (overdue marked), a proposal's admin view, the moderation
// queue (cries for help first), bodies and members with consent links and printable letters,
// statistics with a simple chart and the CSV export.
import { state, t, h, api, navigate, mount, note, langSwitch, readAloud, limit, start } from "./shell.js";
import { evaluationResults, inspectionForm, showFiled, commentsSection } from "./proposal-view.js";
import { planDesk } from "./plan.js";

async function show(path) {
  if (!state.me || state.me.role === "child") {
    const me = await api("GET", "/api/v1/me");
    if (!me.ok || me.data.role === "child") return signIn();
    state.me = me.data;
  }
  const [, , section, id] = path.split("/");
  if (section === "proposals" && id) return proposalAdmin(id);
  if (section === "queue") return queue();
  if (section === "members") return members(id);
  if (section === "stats") return stats();
  if (section === "audit") return audit();
  if (section === "plan") return planDesk(path, { top, signIn });
  return proposals();
}

function top() {
  const tab = (href, key) => h("a", { href, class: "tab", onclick: (e) => { e.preventDefault(); navigate(href); } }, t(key));
  return h("header", { class: "top staff" },
    h("span", { class: "brand" }, t("ui.app_name"), " · ", t("ui.staff_desk")),
    state.me ? h("nav", {}, tab("/staff", "ui.proposals"), tab("/staff/queue", "ui.queue"), tab("/staff/members", "ui.members"), tab("/staff/stats", "ui.stats"), tab("/staff/plan", "plan.nav"),
      state.me.role === "admin" ? tab("/staff/audit", "ui.audit") : null) : null,
    h("span", { class: "spacer" }), langSwitch(),
    state.me ? h("button", { class: "ghost", "data-testid": "sign-out", onclick: async () => { await api("POST", "/api/v1/auth/logout"); state.me = null; signIn(); } }, t("ui.sign_out")) : null);
}

function signIn(error) {
  const user = h("input", { id: "u", "data-testid": "staff-username", autocomplete: "username" });
  const pass = h("input", { id: "p", type: "password", "data-testid": "staff-password", autocomplete: "current-password" });
  const go = async () => {
    const r = await api("POST", "/api/v1/auth/staff/login", { username: user.value, password: pass.value, session: "cookie" });
    if (!r.ok) return signIn(r.error.message);
    state.me = r.data.user;
    navigate("/staff");
  };
  pass.addEventListener("keydown", (e) => { if (e.key === "Enter") go(); });
  mount(top(), h("main", { class: "narrow" }, h("h1", {}, t("ui.staff_sign_in")), error ? note(error, "error") : null,
    h("label", { for: "u" }, t("ui.username")), user, h("label", { for: "p" }, t("ui.password")), pass,
    h("button", { class: "big primary", "data-testid": "staff-sign-in", onclick: go }, t("ui.sign_in"))));
}

async function proposals() {
  const [list, overdue] = await Promise.all([api("GET", "/api/v1/proposals?limit=100"), api("GET", "/api/v1/proposals/overdue?limit=100")]);
  if (list.status === 401) return signIn();
  const late = new Set((overdue.ok ? overdue.data.items : []).map((p) => p.id));
  const items = list.ok ? list.data.items : [];
  mount(top(), h("main", {}, h("h1", {}, t("ui.proposals")),
    ...state.meta.stages.map((s) => {
      const mine = items.filter((p) => p.stage === s);
      return mine.length ? h("section", { class: "group", "data-stage": s }, h("h2", {}, t("stage." + s), ` (${mine.length})`),
        h("table", { class: "grid" }, h("tbody", {}, ...mine.map((p) => h("tr", { class: late.has(p.id) ? "late" : "" },
          h("td", {}, h("a", { href: `/staff/proposals/${p.id}`, "data-testid": "staff-proposal", onclick: (e) => { e.preventDefault(); navigate(`/staff/proposals/${p.id}`); } }, p.title)),
          h("td", {}, p.body.name), h("td", {}, t("ui.supports", { Count: p.support_count })),
          h("td", {}, late.has(p.id) ? h("strong", { class: "late-mark" }, t("ui.overdue")) : p.visibility === "pending" ? t("ui.waiting_review") : "")))))) : null;
    })));
}

async function proposalAdmin(id, filed) {
  const [r, comments] = await Promise.all([api("GET", `/api/v1/proposals/${id}`), api("GET", `/api/v1/proposals/${id}/comments?limit=100`)]);
  if (!r.ok) return mount(top(), h("main", {}, note(r.error ? r.error.message : "", "error")));
  const p = r.data;
  const out = h("div", {});
  const act = async (method, path, body) => {
    const res = await api(method, path, body);
    if (!res.ok) return out.replaceChildren(note(res.error.message, "error"), ...Object.values(res.error.fields || {}).map((m) => note(m, "error")));
    proposalAdmin(id);
  };
  const sections = [];
  // The server's stage machine says what may happen now (p.moves); the desk offers exactly that.
  const offered = (needs) => (p.moves || []).filter((m) => needs.includes(m.needs));
  const moves = offered(["none", "summary"]).map((m) => m.to);
  if (moves.length) {
    const to = h("select", { id: "to", "data-testid": "stage-to" }, ...moves.map((m) => h("option", { value: m }, t("stage." + m))));
    const noteIn = h("input", { id: "stage-note", maxlength: limit("note").max });
    const summary = h("textarea", { id: "stage-summary", rows: "2", maxlength: limit("summary").max });
    sections.push(h("section", { class: "card" }, h("h2", {}, t("ui.move_stage")),
      h("label", { for: "to" }, t("ui.to_stage")), to, h("label", { for: "stage-note" }, t("ui.note")), noteIn,
      h("label", { for: "stage-summary" }, t("ui.closing_summary")), summary,
      h("button", { class: "big primary", "data-testid": "move-stage", onclick: () => act("POST", `/api/v1/proposals/${id}/stage`, { to: to.value, note: noteIn.value, summary: summary.value }) }, t("ui.move"))));
  }
  if (offered(["merged_into"]).length) sections.push(await mergeSection(p, act));
  if (p.stage === "design") {
    const title = h("input", { id: "opt-title", maxlength: limit("title").max, "data-testid": "option-title" });
    const desc = h("textarea", { id: "opt-desc", rows: "2", maxlength: limit("description").max });
    sections.push(h("section", { class: "card" }, h("h2", {}, t("ui.add_option")), h("p", {}, p.options.map((o) => `${o.title} (${o.votes ?? 0})`).join(" · ")),
      h("label", { for: "opt-title" }, t("ui.option_title")), title, h("label", { for: "opt-desc" }, t("ui.proposal_description")), desc,
      h("button", { class: "big", "data-testid": "add-option", onclick: () => act("POST", `/api/v1/proposals/${id}/options`, { title: title.value, description: desc.value }) }, t("ui.add"))));
  }
  if (offered(["decision"]).length) {
    const outcome = h("select", { id: "outcome", "data-testid": "decision-outcome" }, ...state.meta.decision_outcomes.map((o) => h("option", { value: o }, t("outcome." + o))));
    const summaryMax = limit("child_summary").max, notice = limit("notice_days");
    const summary = h("textarea", { id: "child-summary", rows: "3", maxlength: summaryMax, "data-testid": "decision-summary" });
    const unit = h("input", { id: "unit", maxlength: limit("responsible_unit").max });
    const details = h("textarea", { id: "details", rows: "3", maxlength: limit("details").max });
    const planned = h("input", { id: "planned", type: "date" });
    const days = h("input", { id: "notice-days", type: "number", min: notice.min, max: notice.max, value: notice.default, inputmode: "numeric" });
    const preview = h("p", { class: "summary preview", "data-testid": "decision-preview", "aria-live": "polite" });
    const count = h("span", { class: "meta" });
    const update = () => { preview.textContent = summary.value; count.textContent = `${[...summary.value].length}/${summaryMax}`; };
    summary.addEventListener("input", update);
    if (p.decision) { // correcting a published decision starts from it
      const d = p.decision;
      [outcome.value, summary.value, details.value, unit.value, planned.value, days.value] =
        [d.outcome, d.child_summary, d.details || "", d.responsible_unit || "", d.planned_completion || "", String(d.notice_days || notice.default)];
      update();
    }
    sections.push(h("section", { class: "card" }, h("h2", {}, t("ui.write_decision")),
      h("label", { for: "outcome" }, t("ui.outcome")), outcome,
      h("label", { for: "child-summary" }, t("ui.child_summary")), summary, count,
      h("p", { class: "label" }, t("ui.preview")), preview, readAloud(() => summary.value),
      h("label", { for: "details" }, t("ui.decision_details")), details,
      h("label", { for: "unit" }, t("ui.responsible")), unit,
      h("label", { for: "planned" }, t("ui.planned_completion")), planned,
      h("label", { for: "notice-days" }, t("ui.notice_days")), days,
      h("button", {
        class: "big primary", "data-testid": "publish-decision",
        onclick: () => act("POST", `/api/v1/proposals/${id}/decision`, {
          outcome: outcome.value, child_summary: summary.value, details: details.value, responsible_unit: unit.value,
          planned_completion: planned.value || undefined, notice_days: days.value === "" ? undefined : Number(days.value),
        }),
      }, t("ui.publish"))));
  }
  if (p.stage === "evaluation") sections.push(inspectionForm(id, (f) => proposalAdmin(id, f), top));
  // Staff answer children where they asked; a first staff comment counts as the response.
  const mayComment = ["committee", "facilitator"].includes(state.me.role);
  sections.push(commentsSection(id, p, comments.ok ? comments.data.items : [], mayComment, () => proposalAdmin(id), top));
  mount(top(), h("main", {},
    h("button", { class: "ghost", onclick: () => navigate("/staff") }, "← " + t("ui.back")),
    h("h1", {}, p.title), h("p", { class: "meta" }, t("stage." + p.stage), " · ", p.body.name),
    p.description ? h("p", {}, p.description) : null,
    p.decision ? h("p", { class: "summary" }, p.decision.child_summary) : null,
    evaluationResults(p, filed),
    out, ...sections));
  showFiled(filed);
}

/** mergeSection joins a proposal in needs to another of the same body that says the same thing;
 * its author and supporters are told, and its page points to the one it joined. */
async function mergeSection(p, act) {
  const r = await api("GET", `/api/v1/proposals?body_id=${p.body.id}&limit=100`);
  const others = (r.ok ? r.data.items : []).filter((x) => x.id !== p.id && x.stage !== "closed");
  if (!others.length) return null;
  const into = h("select", { id: "merge-into", "data-testid": "merge-into" }, ...others.map((x) => h("option", { value: x.id }, `${x.title} · ${t("stage." + x.stage)}`)));
  const why = h("input", { id: "merge-note", maxlength: limit("note").max });
  return h("section", { class: "card" }, h("h2", {}, t("ui.merge")), h("p", { class: "meta" }, t("ui.merge_explained")),
    h("label", { for: "merge-into" }, t("ui.merge_into")), into, h("label", { for: "merge-note" }, t("ui.note")), why,
    h("button", { class: "big", "data-testid": "merge", onclick: () => act("POST", `/api/v1/proposals/${p.id}/stage`, { to: "closed", merged_into: into.value, note: why.value }) }, t("ui.merge")));
}

async function queue() {
  const r = await api("GET", "/api/v1/moderation/queue?limit=100");
  if (r.status === 401) return signIn();
  const items = r.ok ? r.data.items : [];
  const decide = async (id, action) => { await api("POST", `/api/v1/moderation/items/${id}`, { action }); queue(); };
  mount(top(), h("main", {}, h("h1", {}, t("ui.queue")),
    items.length ? h("ul", { class: "cards" }, ...items.map((it) => it.safeguarding ? safeguardingItem(it) : h("li", { class: "card", "data-testid": "queue-item" },
      h("p", {}, it.excerpt),
      h("p", { class: "meta" }, it.body.name, " · ", it.reasons.map((x) => x.message).join(" · "), it.report_count ? ` · ${t("ui.reports", { Count: it.report_count })}` : ""),
      h("div", { class: "row" },
        h("button", { class: "big primary", onclick: () => decide(it.id, "approve") }, t("ui.approve")),
        h("button", { class: "big", onclick: () => decide(it.id, "reject") }, t("ui.reject")))))) : h("p", { class: "meta" }, t("ui.queue_empty"))));
}

/** safeguardingItem is a cry for help on the desk: marked in words, with who wrote it, where and
 * when, the whole text, and a form that records what the adult did before it closes. */
function safeguardingItem(it) {
  const n = it.id;
  const outcome = h("select", { id: "sg-outcome-" + n, "data-testid": "sg-outcome" },
    h("option", { value: "" }, "—"), ...state.meta.safeguarding_outcomes.map((o) => h("option", { value: o }, t("safeguarding_outcome." + o))));
  const noteIn = h("textarea", { id: "sg-note-" + n, rows: "2", maxlength: limit("note").max, "data-testid": "sg-note" });
  const out = h("div", { "aria-live": "polite" });
  const close = async (action) => {
    if (!outcome.value) return out.replaceChildren(note(t("ui.sg_choose"), "error"));
    const body = { action, outcome: action === "approve" ? "not_a_concern" : outcome.value, note: noteIn.value };
    const res = await api("POST", `/api/v1/moderation/items/${it.id}`, body);
    if (!res.ok) return out.replaceChildren(note(res.error.message, "error"), ...Object.values(res.error.fields || {}).map((m) => note(m, "error")));
    queue();
  };
  const child = it.child || {};
  // What else screening found (an address, an insult…), so that nobody publishes it unawares.
  const found = (it.reasons || []).filter((x) => x.kind !== "safeguarding").map((x) => x.message);
  return h("li", { class: "card urgent", "data-testid": "queue-item", "data-safeguarding": "true" },
    h("strong", { class: "alert-mark", "data-testid": "sg-alert" }, "! ", t("ui.sg_alert")),
    h("p", { class: "meta" }, t("moderation.queue.safeguarding")),
    child.nickname ? h("p", {}, t("ui.sg_child", { Nickname: child.nickname })) : null,
    child.real_name ? h("p", {}, t("ui.sg_real_name", { Name: child.real_name })) : null,
    h("p", {}, t("ui.sg_body", { Body: it.body.name })),
    h("p", {}, t("ui.sg_written_at", { At: new Date(it.created_at).toLocaleString(state.lang) })),
    it.escalated_at ? h("p", { class: "meta" }, t("ui.sg_escalated")) : null,
    h("p", { class: "sg-text", "data-testid": "sg-text" }, it.text || it.excerpt),
    found.length ? h("p", { class: "meta", "data-testid": "sg-reasons" }, t("ui.sg_also_found", { Reasons: found.join(" · ") })) : null,
    h("label", { for: "sg-outcome-" + n }, t("ui.sg_outcome")), outcome,
    h("label", { for: "sg-note-" + n }, t("ui.sg_note")), noteIn,
    out,
    h("div", { class: "row" },
      h("button", { class: "big primary", "data-testid": "sg-close", onclick: () => close("resolve") }, t("ui.sg_close")),
      h("button", { class: "big", "data-testid": "sg-publish", onclick: () => { outcome.value = "not_a_concern"; close("approve"); } }, t("ui.sg_publish"))));
}

async function members(bodyID) {
  const bodies = await api("GET", "/api/v1/bodies?limit=100");
  if (bodies.status === 401) return signIn();
  const list = bodies.ok ? bodies.data.items : [];
  const body = list.find((b) => b.id === bodyID) || list[0];
  if (!body) return mount(top(), h("main", {}, h("h1", {}, t("ui.members")), note(t("ui.no_bodies"))));
  const m = await api("GET", `/api/v1/bodies/${body.id}/members?limit=100`);
  const out = h("div", {});
  const f = { nickname: h("input", { id: "nick", maxlength: limit("nickname").max }), login_name: h("input", { id: "lname", maxlength: limit("login_name").max }),
    pin: h("input", { id: "mpin", inputmode: "numeric", maxlength: limit("pin").max }),
    birth_year: h("input", { id: "by", inputmode: "numeric", maxlength: "4" }), birth_month: h("input", { id: "bm", inputmode: "numeric", maxlength: "2" }) };
  const add = async () => {
    const r = await api("POST", `/api/v1/bodies/${body.id}/members`, { nickname: f.nickname.value, login_name: f.login_name.value, pin: f.pin.value,
      birth_year: Number(f.birth_year.value), birth_month: Number(f.birth_month.value) });
    if (!r.ok) return out.replaceChildren(note(r.error.message, "error"), ...Object.values(r.error.fields || {}).map((x) => note(x, "error")));
    out.replaceChildren(note(t("ui.member_added"), "ok"), h("p", { class: "url", "data-testid": "consent-link" }, r.data.consent.link));
  };
  const letters = async () => {
    const r = await api("POST", `/api/v1/bodies/${body.id}/consent-links`);
    if (!r.ok) return out.replaceChildren(note(r.error.message, "error"));
    // Switching language redraws these letters: asking again would replace every link.
    const show = () => mount(h("main", { class: "letters" },
      h("div", { class: "row noprint" }, langSwitch(show),
        h("button", { class: "big", onclick: () => print() }, t("ui.print")), h("button", { class: "big", onclick: () => members(body.id) }, t("ui.back"))),
      ...r.data.items.map((l) => h("article", { class: "letter" },
        h("h1", {}, t("ui.letter_title")), h("p", {}, t("ui.letter_body", { Nickname: l.nickname, Body: body.name })),
        qrCode(l.qr, t("ui.letter_qr")), h("p", { class: "url" }, l.link), h("p", { class: "meta" }, t("ui.letter_expires", { Date: new Date(l.expires_at).toLocaleDateString(state.lang) }))))));
    show();
  };
  mount(top(), h("main", {}, h("h1", {}, t("ui.members")),
    h("div", { class: "row" }, ...list.map((b) => h("button", { class: b.id === body.id ? "tab on" : "tab", onclick: () => navigate(`/staff/members/${b.id}`) }, b.name))),
    h("p", { class: "meta" }, t("ui.join_code"), ": ", body.join_code || ""),
    h("table", { class: "grid" }, h("tbody", {}, ...(m.ok ? m.data.items : []).map((x) => h("tr", {},
      h("td", {}, x.nickname || t("ui.anonymous_participant")), h("td", {}, x.login_name), h("td", {}, String(x.age)), h("td", {}, t("consent." + x.consent_status)))))),
    h("button", { class: "big", "data-testid": "print-letters", onclick: letters }, t("ui.consent_letters")),
    h("section", { class: "card" }, h("h2", {}, t("ui.add_member")),
      h("label", { for: "nick" }, t("ui.nickname")), f.nickname, h("label", { for: "lname" }, t("ui.login_name")), f.login_name,
      h("label", { for: "mpin" }, t("ui.pin")), f.pin, h("label", { for: "by" }, t("ui.birth_year")), f.birth_year, h("label", { for: "bm" }, t("ui.birth_month")), f.birth_month,
      out, h("button", { class: "big primary", "data-testid": "add-member", onclick: add }, t("ui.add")))));
}

/** audit shows the admin who did what to whom, newest first. */
async function audit() {
  const r = await api("GET", "/api/v1/audit?limit=100");
  if (r.status === 401) return signIn();
  if (!r.ok) return mount(top(), h("main", {}, h("h1", {}, t("ui.audit")), note(r.error.message, "error")));
  mount(top(), h("main", {}, h("h1", {}, t("ui.audit")),
    h("table", { class: "grid", "data-testid": "audit" }, h("tbody", {}, ...r.data.items.map((ev) => h("tr", {},
      h("td", {}, new Date(ev.at).toLocaleString(state.lang)), h("td", {}, t("role." + ev.actor.role)), h("td", {}, ev.action),
      h("td", {}, `${ev.subject.type} ${ev.subject.id.slice(-6)}`)))))));
}

/** qrCode draws a QR code from rows of modules as one SVG path. */
function qrCode(rows, label) {
  const ns = "http://www.w3.org/2000/svg";
  const n = rows.length;
  const el = document.createElementNS(ns, "svg");
  el.setAttribute("viewBox", `-4 -4 ${n + 8} ${n + 8}`);
  el.setAttribute("class", "qr");
  el.setAttribute("role", "img");
  el.setAttribute("aria-label", label);
  el.setAttribute("shape-rendering", "crispEdges");
  let d = "";
  rows.forEach((row, y) => { for (let x = 0; x < n; x++) if (row[x] === "1") d += `M${x} ${y}h1v1h-1z`; });
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000");
  el.append(path);
  return el;
}

async function stats() {
  const r = await api("GET", "/api/v1/stats");
  if (r.status === 401) return signIn();
  if (!r.ok) return mount(top(), h("main", {}, note(r.error.message, "error")));
  const s = r.data;
  const max = Math.max(1, ...Object.values(s.proposals_by_stage));
  const ns = "http://www.w3.org/2000/svg";
  // Horizontal bars: the stage names, long in English, get a column of their own.
  const chart = document.createElementNS(ns, "svg");
  const row = 26;
  const stages = state.meta.stages;
  chart.setAttribute("viewBox", `0 0 320 ${stages.length * row + 4}`);
  chart.setAttribute("class", "chart");
  chart.setAttribute("role", "img");
  chart.setAttribute("aria-label", `${t("ui.by_stage")}: ` + stages.map((st) => `${t("stage." + st)} ${s.proposals_by_stage[st] || 0}`).join(", "));
  const draw = (tag, attrs, text) => {
    const el = document.createElementNS(ns, tag);
    Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, v));
    if (text !== undefined) el.textContent = text;
    chart.append(el);
  };
  stages.forEach((st, i) => {
    const n = s.proposals_by_stage[st] || 0, y = 4 + i * row, w = (n / max) * 160;
    draw("text", { x: 0, y: y + 15, "font-size": "12", fill: "#1f2933" }, t("stage." + st));
    draw("rect", { x: 110, y: y + 3, width: Math.max(w, 1), height: 16, fill: "#1d6fb8" });
    draw("text", { x: 116 + w, y: y + 15, "font-size": "12", fill: "#1f2933" }, String(n));
  });
  const pct = (x) => `${Math.round(x * 100)}%`;
  mount(top(), h("main", {}, h("h1", {}, t("ui.stats")),
    h("dl", { class: "figures" },
      h("dt", {}, t("ui.response_rate")), h("dd", {}, pct(s.response_rate)),
      h("dt", {}, t("ui.median_days")), h("dd", {}, String(s.median_response_days)),
      h("dt", {}, t("ui.overdue")), h("dd", {}, String(s.overdue)),
      h("dt", {}, t("ui.adoption_rate")), h("dd", {}, pct(s.adoption_rate)),
      h("dt", {}, t("ui.children_active")), h("dd", {}, String(s.children_active)),
      h("dt", {}, t("ui.consent_pending")), h("dd", {}, String(s.consent_pending))),
    chart,
    h("p", {}, h("a", { href: "/api/v1/stats/export.csv", class: "big button", download: "" }, t("ui.export_csv")))));
}

start((path) => path === "/staff" || path.startsWith("/staff/"), show);

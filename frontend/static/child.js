// The children's app: sign-in with a join code, a login name and a PIN pad; proposals by
// stage; writing a proposal with a kind warning before anything is sent; following a proposal
// to the end; the inbox. Sign-out is one tap, and automatic after 5 idle minutes.
import { state, t, h, svg, api, navigate, mount, note, langSwitch, readAloud, ICONS, face } from "./app.js";

export const STAGES = ["needs", "design", "decision", "evaluation", "closed"];
const STAGE_PIC = {
  needs: ["M4 5h16v10H9l-5 4z"], // a speech bubble
  design: ["M4 20l4-1 11-11-3-3L5 16z", "M14 6l3 3"], // a pencil
  decision: ["M4 10v4h3l6 4V6L7 10z", "M17 9a4 4 0 010 6"], // a loudspeaker
  evaluation: ["M12 3l2.6 5.6 6 .6-4.5 4 1.3 6L12 16l-5.4 3.2 1.3-6-4.5-4 6-.6z"], // a star
  closed: ["M4 12l5 5L20 6"], // a tick
};
const STAGE_COLOR = { needs: "#b4480a", design: "#1d6fb8", decision: "#7a3fb0", evaluation: "#1f7a3a", closed: "#555" };
export const CATEGORIES = ["park", "school_route", "library", "childrens_home", "safety", "other"];
const CATEGORY_PIC = {
  park: ["M12 3l5 8h-3l4 6H6l4-6H7z", "M12 17v4"],
  school_route: ["M3 18h18", "M5 18V8l7-4 7 4v10", "M9 18v-5h6v5"],
  library: ["M4 5h6a2 2 0 012 2v12a2 2 0 00-2-2H4z", "M20 5h-6a2 2 0 00-2 2v12a2 2 0 012-2h6z"],
  childrens_home: ["M3 11l9-7 9 7", "M5 10v10h14V10", "M10 20v-5h4v5"],
  safety: ["M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z"],
  other: ["M12 5v14", "M5 12h14"],
};

const IDLE_WARN = 4.5 * 60 * 1000, IDLE_OUT = 5 * 60 * 1000;
let idleTimers = [];

/** keepAlive restarts the idle clock on every touch; a warning shows before automatic sign-out. */
function watchIdle() {
  const reset = () => {
    idleTimers.forEach(clearTimeout);
    document.getElementById("idle-warning")?.remove();
    if (!state.me) return;
    idleTimers = [
      setTimeout(() => {
        document.body.append(h("div", { id: "idle-warning", class: "banner", role: "alert" },
          t("ui.idle_warning"), h("button", { class: "big", onclick: reset }, t("ui.still_here"))));
      }, IDLE_WARN),
      setTimeout(signOut, IDLE_OUT),
    ];
  };
  for (const ev of ["pointerdown", "keydown", "touchstart"]) document.addEventListener(ev, reset, { passive: true });
  reset();
}

async function signOut() {
  idleTimers.forEach(clearTimeout);
  document.getElementById("idle-warning")?.remove();
  await api("POST", "/api/v1/auth/logout");
  state.me = null; // nothing of this child stays for the next one
  if ("speechSynthesis" in window) speechSynthesis.cancel();
  history.replaceState(null, "", "/");
  signIn();
}

export async function show(path) {
  if (!state.me) {
    const me = await api("GET", "/api/v1/me");
    if (!me.ok || me.data.role !== "child") return signIn();
    state.me = me.data;
    watchIdle();
  }
  if (path === "/new") return newProposal();
  if (path === "/inbox") return inbox();
  if (path.startsWith("/proposals/")) return proposal(path.slice(11));
  return home();
}

function topBar(title) {
  return h("header", { class: "top" },
    h("span", { class: "brand" }, t("ui.app_name")),
    title ? h("span", { class: "who" }, title) : null,
    h("span", { class: "spacer" }),
    langSwitch(),
    state.me ? h("button", { class: "ghost", "data-testid": "sign-out", onclick: signOut }, t("ui.sign_out")) : null);
}

/** signIn walks a child through join code, login name and a big PIN pad. */
function signIn() {
  const data = { body_code: "", login_name: "", pin: "" };
  const step1 = () => {
    const input = h("input", { id: "code", "data-testid": "join-code", autocomplete: "off", autocapitalize: "characters", maxlength: "8", class: "code", value: data.body_code });
    mount(topBar(), h("main", { class: "narrow" },
      h("h1", {}, t("ui.sign_in_title")),
      h("label", { for: "code" }, t("ui.join_code")), input,
      h("button", { class: "big primary", "data-testid": "next", onclick: () => { data.body_code = input.value.trim(); if (data.body_code) step2(); } }, t("ui.next"))));
    input.focus();
  };
  const step2 = () => {
    const input = h("input", { id: "login", "data-testid": "login-name", autocomplete: "off", autocapitalize: "none", maxlength: "20", value: data.login_name });
    mount(topBar(), h("main", { class: "narrow" },
      h("h1", {}, t("ui.who_are_you")),
      h("label", { for: "login" }, t("ui.login_name")), input,
      h("div", { class: "row" },
        h("button", { class: "big", onclick: step1 }, t("ui.back")),
        h("button", { class: "big primary", "data-testid": "next", onclick: () => { data.login_name = input.value.trim().toLowerCase(); if (data.login_name) step3(); } }, t("ui.next")))));
    input.focus();
  };
  const step3 = (error) => {
    data.pin = "";
    const dots = h("div", { class: "dots", "aria-live": "polite", "aria-label": t("ui.pin") });
    const draw = () => dots.replaceChildren(...Array.from({ length: 6 }, (_, i) => h("span", { class: i < data.pin.length ? "dot on" : "dot" })));
    const press = (d) => { if (data.pin.length < 6) { data.pin += d; draw(); } };
    const pad = h("div", { class: "pad" },
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => h("button", { class: "key", "data-testid": `pin-digit-${d}`, onclick: () => press(String(d)) }, String(d))),
      h("button", { class: "key", "aria-label": t("ui.delete"), onclick: () => { data.pin = data.pin.slice(0, -1); draw(); } }, "⌫"),
      h("button", { class: "key", "data-testid": "pin-digit-0", onclick: () => press("0") }, "0"),
      h("button", { class: "key go", "data-testid": "sign-in", onclick: submit }, "✓"));
    async function submit() {
      if (data.pin.length < 4) return;
      const r = await api("POST", "/api/v1/auth/child/login", { ...data, session: "cookie" });
      if (!r.ok) return step3(r.error ? r.error.message : t("ui.offline"));
      state.me = r.data.user;
      watchIdle();
      navigate("/");
    }
    mount(topBar(), h("main", { class: "narrow" },
      h("h1", {}, t("ui.enter_pin")), error ? note(error, "error") : null, dots, pad,
      h("button", { class: "big", onclick: step2 }, t("ui.back"))));
    draw();
  };
  step1();
}

function stageBadge(stage) {
  return h("span", { class: "stage", "data-stage": stage }, svg(STAGE_PIC[stage], STAGE_COLOR[stage], ""), t("stage." + stage));
}

function authorLine(a) {
  return a ? t("ui.by_child", { Nickname: a.nickname, Age: a.age }) : t("ui.anonymous_participant");
}

function canWrite() {
  return state.me && state.me.consent_status === "active" && state.me.assent === "given";
}

/** home lists the proposals of the child's bodies, grouped by stage. */
async function home() {
  const [list, inboxRes] = await Promise.all([api("GET", "/api/v1/proposals?limit=100"), api("GET", "/api/v1/notifications?limit=1")]);
  if (list.status === 401) return signIn();
  const unread = inboxRes.ok ? inboxRes.data.unread_count : 0;
  const me = state.me;
  let action;
  if (me.consent_status !== "active") {
    action = h("section", { class: "card wait" }, h("h2", {}, t("ui.waiting_title")), h("p", {}, t("ui.waiting_body")));
  } else if (me.assent !== "given") {
    action = h("section", { class: "card" }, h("h2", {}, t("ui.assent_title")), h("p", {}, t("ui.assent_body")),
      h("div", { class: "row" },
        h("button", { class: "big primary", "data-testid": "assent-yes", onclick: () => assent(true) }, t("ui.assent_yes")),
        h("button", { class: "big", "data-testid": "assent-no", onclick: () => assent(false) }, t("ui.assent_no"))));
  } else {
    action = h("button", { class: "big primary wide", "data-testid": "new-proposal", onclick: () => navigate("/new") }, svg(ICONS.pencil, "#fff", ""), t("ui.new_proposal"));
  }
  const items = list.ok ? list.data.items : [];
  const groups = STAGES.map((stage) => {
    const mine = items.filter((p) => p.stage === stage);
    if (!mine.length) return null;
    return h("section", { class: "group", "data-stage": stage },
      h("h2", {}, stageBadge(stage)),
      h("ul", { class: "cards" }, ...mine.map((p) => h("li", {},
        h("a", { href: `/proposals/${p.id}`, class: "card link", "data-testid": "proposal-card", onclick: (e) => { e.preventDefault(); navigate(`/proposals/${p.id}`); } },
          h("strong", {}, p.title),
          h("span", { class: "meta" }, authorLine(p.author), " · ", t("ui.supports", { Count: p.support_count })),
          p.visibility === "pending" ? h("span", { class: "meta" }, t("ui.waiting_review")) : null)))));
  });
  mount(topBar(t("ui.hello", { Nickname: me.display_name })), h("main", {},
    h("div", { class: "row between" },
      h("h1", {}, t("ui.my_proposals")),
      h("button", { class: "ghost", "data-testid": "inbox", onclick: () => navigate("/inbox") }, svg(ICONS.inbox, "currentColor", ""), t("ui.inbox"),
        unread ? h("span", { class: "count", "data-testid": "unread-count" }, String(unread)) : null)),
    action, ...groups, items.length ? null : h("p", { class: "meta" }, t("ui.no_proposals"))));
}

async function assent(agree) {
  const r = await api("POST", "/api/v1/me/assent", { agree });
  if (r.ok) state.me = r.data;
  home();
}

/** careMessage finds the kind message of a text that asks for help, among the reasons
 * screening gave; a child who writes it is never told off, only pointed to an adult. */
function careMessage(reasons) {
  const r = (reasons || []).find((x) => x.kind === "safeguarding");
  return r ? r.message : "";
}

/** careNote shows that kind message calmly: a supportive note, never a warning or an error. */
function careNote(message) {
  return h("div", { class: "care", "data-testid": "care-message" }, h("p", {}, message));
}

/** cared shows the kind message on a screen of its own after a child sent words that ask for
 * help, instead of a "waiting for review" note; then goes on with next. */
function cared(message, next) {
  mount(topBar(), h("main", { class: "narrow" },
    h("h1", {}, t("ui.sg_sent_title")),
    careNote(message),
    readAloud(() => message),
    h("button", { class: "big primary", "data-testid": "care-continue", onclick: next }, t("ui.sg_continue"))));
}

/** afterSend goes on with next after a write, by way of the kind message when it asked for help. */
function afterSend(r, next) {
  const message = careMessage(r.data && r.data.reasons);
  return message ? cared(message, next) : next();
}

/** hintFor asks the server what it would say, while the child is still typing. */
function moderationHint() {
  const box = h("div", { class: "hint", "data-testid": "moderation-hint", role: "status", "aria-live": "polite" });
  let timer;
  box.check = (text) => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!text.trim()) return box.replaceChildren();
      const r = await api("POST", "/api/v1/moderation/check", { text });
      if (!r.ok || r.data.verdict === "allow") return box.replaceChildren();
      const care = careMessage(r.data.reasons);
      if (care) return box.replaceChildren(careNote(care));
      box.replaceChildren(...r.data.reasons.map((x) => h("p", { class: "note warn" }, x.message)));
    }, 350);
  };
  return box;
}

function newProposal() {
  if (!canWrite()) return navigate("/");
  let category = "";
  const title = h("input", { id: "title", "data-testid": "proposal-title", maxlength: "60", autocomplete: "off" });
  const desc = h("textarea", { id: "desc", "data-testid": "proposal-description", rows: "5", maxlength: "2000" });
  const hint = moderationHint();
  const errors = h("div", {});
  const cats = h("div", { class: "cats", role: "radiogroup", "aria-label": t("ui.category") },
    ...CATEGORIES.map((c) => h("button", {
      class: "cat", role: "radio", "aria-checked": "false", "data-category": c,
      onclick: (e) => {
        category = c;
        cats.querySelectorAll(".cat").forEach((b) => b.setAttribute("aria-checked", String(b === e.currentTarget)));
      },
    }, svg(CATEGORY_PIC[c], "#1f2933", ""), t("category." + c))));
  const check = () => hint.check(title.value + "\n" + desc.value);
  title.addEventListener("input", check);
  desc.addEventListener("input", check);
  async function submit() {
    errors.replaceChildren();
    const body = state.me.memberships.find((m) => m.kind === "council") || state.me.memberships[0];
    const r = await api("POST", "/api/v1/proposals", { body_id: body.body_id, title: title.value, description: desc.value, category: category || "other" });
    if (r.ok) return afterSend(r, () => navigate(`/proposals/${r.data.id}`));
    errors.replaceChildren(note(r.error.message, "error"), ...(r.error.reasons || []).map((x) => note(x.message, "error")),
      ...Object.values(r.error.fields || {}).map((m) => note(m, "error")));
  }
  mount(topBar(), h("main", { class: "narrow" },
    h("h1", {}, t("ui.new_proposal")),
    h("label", { for: "title" }, t("ui.proposal_title")), title,
    h("label", { for: "desc" }, t("ui.proposal_description")), desc,
    hint,
    h("p", { class: "label" }, t("ui.category")), cats,
    errors,
    h("div", { class: "row" },
      h("button", { class: "big", onclick: () => navigate("/") }, t("ui.back")),
      h("button", { class: "big primary", "data-testid": "submit-proposal", onclick: submit }, t("ui.submit")))));
}

/** stepper shows the five stages; a stage the proposal went through is done, one it skipped (a
 * merge, or straight to a decision) stays grey. */
function stepper(p) {
  const at = STAGES.indexOf(p.stage);
  const visited = new Set(p.timeline.map((e) => e.to));
  return h("ol", { class: "stepper", "aria-label": t("ui.stages") },
    ...STAGES.map((s, i) => {
      const done = i < at && visited.has(s);
      return h("li", { class: done ? "done" : i === at ? "now" : "", "aria-current": i === at ? "step" : null },
        svg(STAGE_PIC[s], done || i === at ? STAGE_COLOR[s] : "#9aa5b1", ""), h("span", {}, t("stage." + s)));
    }));
}

async function proposal(id, filed) {
  const [res, comments] = await Promise.all([api("GET", `/api/v1/proposals/${id}`), api("GET", `/api/v1/proposals/${id}/comments?limit=100`)]);
  if (res.status === 401) return signIn();
  if (!res.ok) return mount(topBar(), h("main", {}, h("h1", {}, t("error.not_found")), h("button", { class: "big", onclick: () => navigate("/") }, t("ui.back"))));
  const p = res.data;
  const write = canWrite();
  const mineP = p.author && p.author.nickname === state.me.display_name;
  const parts = [];
  if (p.stage === "needs" && write && !mineP) {
    parts.push(h("button", {
      class: "big " + (p.my.supported ? "" : "primary"), "data-testid": "support", "aria-pressed": String(p.my.supported),
      onclick: async () => { const r = await api(p.my.supported ? "DELETE" : "PUT", `/api/v1/proposals/${id}/support`); if (r.ok) proposal(id); },
    }, svg(ICONS.thumb, "currentColor", ""), p.my.supported ? t("ui.supported") : t("ui.support"), ` (${p.support_count})`));
  }
  if (p.options.length) {
    parts.push(h("h2", {}, t("ui.design_options")), h("div", { class: "options" }, ...p.options.map((o) => h("article", { class: "card option" + (p.my.vote_option_id === o.id ? " chosen" : "") },
      o.image_url ? h("img", { src: o.image_url, alt: o.title, loading: "lazy" }) : null,
      h("h3", {}, o.title), o.description ? h("p", {}, o.description) : null,
      o.votes !== null ? h("p", { class: "meta" }, t("ui.votes", { Count: o.votes })) : null,
      p.stage === "design" && write ? h("button", {
        class: "big " + (p.my.vote_option_id === o.id ? "" : "primary"), "data-testid": "vote-option",
        onclick: async () => { const r = await api("PUT", `/api/v1/proposals/${id}/vote`, { option_id: o.id }); if (r.ok) proposal(id); },
      }, p.my.vote_option_id === o.id ? "✓ " + t("ui.my_vote") : t("ui.vote")) : null))));
  }
  if (p.decision) {
    const d = p.decision;
    parts.push(h("section", { class: "card decision", "data-testid": "decision" },
      h("h2", {}, t("ui.decision"), " · ", t("outcome." + d.outcome)),
      h("p", { class: "summary" }, d.child_summary),
      readAloud(() => d.child_summary, "read-aloud-decision"),
      d.responsible_unit ? h("p", { class: "meta" }, t("ui.responsible_unit", { Unit: d.responsible_unit })) : null,
      d.planned_completion ? h("p", { class: "meta" }, t("ui.planned", { Date: d.planned_completion })) : null,
      h("p", { class: "meta" }, t("ui.notice_until", { Date: d.notice_until }))));
  }
  if (p.stage === "closed") parts.push(await closedNote(p));
  if (p.stage === "evaluation" && write && !p.my.evaluated) parts.push(evaluationForm(id));
  if (p.stage === "evaluation" && write && p.my.can_inspect) parts.push(inspectionForm(id, (filed) => proposal(id, filed)));
  parts.push(evaluationResults(p, filed));
  const timeline = h("ol", { class: "timeline" }, ...p.timeline.map((e) => h("li", {},
    h("strong", {}, t("stage." + e.to)), " · ", new Date(e.at).toLocaleDateString(state.lang), e.note ? h("p", {}, e.note) : null)));
  const commentBox = commentsSection(id, p, comments.ok ? comments.data.items : [], write, () => proposal(id));
  mount(topBar(), h("main", {},
    h("button", { class: "ghost", onclick: () => navigate("/") }, "← " + t("ui.back")),
    h("h1", {}, p.title),
    stepper(p),
    h("p", { class: "meta" }, authorLine(p.author), " · ", t("category." + p.category)),
    p.description ? h("p", { class: "description" }, p.description) : null,
    readAloud(() => [p.title, p.description, p.decision ? p.decision.child_summary : ""].join("。")),
    ...parts,
    h("h2", {}, t("ui.timeline")), timeline,
    commentBox));
  showFiled(filed);
}

function evaluationForm(id) {
  const ratings = {};
  const rows = ["safety", "fun", "access", "looks"].map((k) => h("fieldset", { class: "faces" },
    h("legend", {}, t("criterion." + k)),
    ...[1, 2, 3, 4, 5].map((n) => h("button", {
      class: "face", "aria-label": `${t("criterion." + k)} ${n}`, "aria-pressed": "false", "data-testid": `face-${k}-${n}`,
      onclick: (e) => {
        ratings[k] = n;
        e.currentTarget.parentElement.querySelectorAll(".face").forEach((b) => b.setAttribute("aria-pressed", String(b === e.currentTarget)));
      },
    }, face(n, "")))));
  const out = h("div", {});
  return h("section", { class: "card" }, h("h2", {}, t("ui.rate_it")), ...rows, out,
    h("button", {
      class: "big primary", "data-testid": "submit-evaluation",
      onclick: async () => {
        const r = await api("POST", `/api/v1/proposals/${id}/evaluations`, { ratings });
        if (r.ok) return afterSend(r, () => proposal(id));
        out.replaceChildren(note(r.error.message, "error"));
      },
    }, t("ui.submit")));
}

/** closedNote says in a sentence why a proposal closed; a merged one links to the proposal it joined. */
async function closedNote(p) {
  const why = p.closed_reason || "completed";
  if (why === "merged" && p.merged_into) {
    const target = await api("GET", `/api/v1/proposals/${p.merged_into}`);
    const title = target.ok ? target.data.title : t("ui.the_other_proposal");
    return h("section", { class: "card", "data-testid": "closed-note" }, h("p", {}, t("closed.merged")),
      h("button", { class: "big", "data-testid": "merged-into", onclick: () => navigate(`/proposals/${p.merged_into}`) }, "→ ", title));
  }
  return h("section", { class: "card", "data-testid": "closed-note" }, h("p", {}, t("closed." + why)));
}

/** evaluationResults shows the ratings, the observers' inspections and the closing summary;
 * the inspection just filed, if any, says thank you. */
export function evaluationResults(p, filed) {
  const e = p.evaluation_summary;
  if (!e || (!e.count && !(e.inspections || []).length && !e.summary)) return null;
  const a = e.averages;
  return h("section", { class: "card", "data-testid": "evaluation-results" }, h("h2", {}, t("ui.ratings")),
    e.count ? h("p", {}, ["safety", "fun", "access", "looks"].map((k) => `${t("criterion." + k)} ${a[k]}`).join(" · "),
      h("span", { class: "meta" }, t("ui.rated_by", { Count: e.count }))) : null,
    ...(e.inspections || []).map((x) => h("article", { class: "inspection", "data-testid": "inspection", id: "inspection-" + x.id, tabindex: "-1" },
      h("h3", {}, t("ui.inspection_by", { By: x.body_name || t("role." + x.by_role) })),
      x.id === filed ? note(t(x.visibility === "pending" ? "ui.inspect_thanks_pending" : "ui.inspect_thanks"), "ok") : null,
      x.visibility === "pending" && x.id !== filed ? h("p", { class: "meta" }, t("ui.waiting_review")) : null,
      h("ul", {}, ...x.items.map((i) => h("li", { class: i.ok ? "fine" : "problem" },
        h("strong", {}, i.ok ? t("ui.inspect_ok") : t("ui.inspect_problem")), " · ", i.item, i.note ? ` (${i.note})` : ""))),
      x.summary ? h("p", {}, x.summary) : null,
      h("p", { class: "meta" }, new Date(x.created_at).toLocaleDateString(state.lang)))),
    e.summary ? h("p", { class: "summary" }, e.summary) : null);
}

/** showFiled brings the inspection just filed into view and focus, after the page redrew. */
export function showFiled(filed) {
  const el = filed && document.getElementById("inspection-" + filed);
  if (!el) return;
  el.scrollIntoView({ block: "center" });
  el.focus({ preventScroll: true });
}

// The observers' checklist: what a child can see for themselves at a finished place.
const CHECKLIST = ["safe", "ground", "reach", "shade", "clean", "as_planned"];

/** inspectionForm lets an observer-group member (or a facilitator) report on finished work:
 * fine or a problem for each point of the checklist, with a note, and a summary. */
export function inspectionForm(id, done) {
  const answers = {};
  const notes = {};
  const rows = CHECKLIST.map((k) => {
    notes[k] = h("input", { id: "inspect-note-" + k, maxlength: "500", autocomplete: "off" });
    const choose = (ok) => (e) => {
      answers[k] = ok;
      e.currentTarget.parentElement.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", String(b === e.currentTarget)));
    };
    return h("fieldset", { class: "inspect-item" }, h("legend", {}, t("inspect." + k)),
      h("div", { class: "row" },
        h("button", { class: "big", "aria-pressed": "false", "data-testid": `inspect-${k}-ok`, onclick: choose(true) }, t("ui.inspect_ok")),
        h("button", { class: "big", "aria-pressed": "false", "data-testid": `inspect-${k}-problem`, onclick: choose(false) }, t("ui.inspect_problem"))),
      h("label", { for: "inspect-note-" + k }, t("ui.inspect_note")), notes[k]);
  });
  const summary = h("textarea", { id: "inspect-summary", rows: "3", maxlength: "500", "data-testid": "inspect-summary" });
  const hint = moderationHint();
  summary.addEventListener("input", () => hint.check(summary.value));
  const out = h("div", {});
  return h("section", { class: "card" }, h("h2", {}, t("ui.inspect")), h("p", {}, t("ui.inspect_intro")), ...rows,
    h("label", { for: "inspect-summary" }, t("ui.inspect_summary")), summary, hint, out,
    h("button", {
      class: "big primary", "data-testid": "submit-inspection",
      onclick: async () => {
        const items = CHECKLIST.filter((k) => k in answers).map((k) => ({ item: t("inspect." + k), ok: answers[k], note: notes[k].value }));
        if (!items.length) return out.replaceChildren(note(t("ui.inspect_choose"), "error"));
        const r = await api("POST", `/api/v1/proposals/${id}/inspections`, { items, summary: summary.value });
        if (r.ok) return afterSend(r, () => done(r.data.id));
        out.replaceChildren(note(r.error.message, "error"), ...(r.error.reasons || []).map((x) => note(x.message, "error")),
          ...Object.values(r.error.fields || {}).map((m) => note(m, "error")));
      },
    }, t("ui.submit")));
}

/** commentsSection lists a proposal's comments with one level of replies and, while comments are
 * open and write is true, a form; reload redraws the page after sending. */
export function commentsSection(id, p, items, write, reload) {
  const open = ["needs", "design", "decision"].includes(p.stage) && write;
  let parent = null;
  const input = h("textarea", { id: "comment", rows: "3", maxlength: "500", "data-testid": "comment-body" });
  const replying = h("p", { class: "meta", "aria-live": "polite" });
  const replyTo = (c) => {
    parent = c.id;
    replying.replaceChildren(t("ui.replying_to", { Name: c.author ? c.author.nickname : t("role." + c.author_role) }),
      h("button", { class: "ghost", onclick: () => { parent = null; replying.replaceChildren(); } }, t("ui.cancel")));
    input.focus();
  };
  const list = h("ul", { class: "comments" }, ...items.map((c) => h("li", { class: c.parent_id ? "reply" : "" },
    h("span", { class: "meta" }, c.author ? authorLine(c.author) : t("role." + c.author_role)),
    c.visibility === "pending" ? h("span", { class: "meta" }, " · " + t("ui.waiting_review")) : null,
    h("p", {}, c.body),
    open && !c.parent_id && c.visibility === "published" ? h("button", { class: "ghost", "data-testid": "reply", onclick: () => replyTo(c) }, t("ui.reply")) : null)));
  if (!open) return h("section", {}, h("h2", {}, t("ui.comments")), list);
  const hint = moderationHint();
  input.addEventListener("input", () => hint.check(input.value));
  const out = h("div", {});
  return h("section", {}, h("h2", {}, t("ui.comments")), list,
    h("label", { for: "comment" }, t("ui.your_comment")), replying, input, hint, out,
    h("button", {
      class: "big primary", "data-testid": "submit-comment",
      onclick: async () => {
        const r = await api("POST", `/api/v1/proposals/${id}/comments`, { body: input.value, parent_id: parent || undefined });
        if (r.ok) return afterSend(r, reload);
        out.replaceChildren(note(r.error.message, "error"), ...(r.error.reasons || []).map((x) => note(x.message, "error")));
      },
    }, t("ui.send")));
}

async function inbox() {
  const r = await api("GET", "/api/v1/notifications?limit=50");
  if (r.status === 401) return signIn();
  const items = r.ok ? r.data.items : [];
  mount(topBar(), h("main", {},
    h("button", { class: "ghost", onclick: () => navigate("/") }, "← " + t("ui.back")),
    h("h1", {}, t("ui.inbox")),
    items.length ? h("ul", { class: "cards" }, ...items.map((n) => h("li", {},
      h("button", {
        class: "card link" + (n.read ? "" : " unread"), "data-testid": "notification",
        onclick: async () => { await api("POST", `/api/v1/notifications/${n.id}/read`); if (n.proposal_id) navigate(`/proposals/${n.proposal_id}`); },
      }, h("span", {}, n.message), h("span", { class: "meta" }, new Date(n.created_at).toLocaleString(state.lang)))))) :
      h("p", { class: "meta" }, t("ui.inbox_empty"))));
}

// The children's app: sign-in with a join code, a login name and a PIN pad; proposals by
// stage; writing a proposal with a kind warning before anything is sent; following a proposal
// to the end; the inbox. Sign-out is one tap, and automatic after 5 idle minutes.
import { state, t, h, svg, api, navigate, mount, note, langSwitch, readAloud, ICONS, face, limit, start } from "./shell.js";
import { stageBadge, stepper, authorLine, afterSend, moderationHint, evaluationResults, showFiled, inspectionForm, commentsSection } from "./proposal-view.js";

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

async function show(path) {
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
    const input = h("input", { id: "login", "data-testid": "login-name", autocomplete: "off", autocapitalize: "none", maxlength: limit("login_name").max, value: data.login_name });
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
    const pin = limit("pin");
    const draw = () => dots.replaceChildren(...Array.from({ length: pin.max }, (_, i) => h("span", { class: i < data.pin.length ? "dot on" : "dot" })));
    const press = (d) => { if (data.pin.length < pin.max) { data.pin += d; draw(); } };
    const pad = h("div", { class: "pad" },
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => h("button", { class: "key", "data-testid": `pin-digit-${d}`, onclick: () => press(String(d)) }, String(d))),
      h("button", { class: "key", "aria-label": t("ui.delete"), onclick: () => { data.pin = data.pin.slice(0, -1); draw(); } }, "⌫"),
      h("button", { class: "key", "data-testid": "pin-digit-0", onclick: () => press("0") }, "0"),
      h("button", { class: "key go", "data-testid": "sign-in", onclick: submit }, "✓"));
    async function submit() {
      if (data.pin.length < pin.min) return;
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
  const groups = state.meta.stages.map((stage) => {
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

function newProposal() {
  if (!canWrite()) return navigate("/");
  let category = "";
  const title = h("input", { id: "title", "data-testid": "proposal-title", maxlength: limit("title").max, autocomplete: "off" });
  const desc = h("textarea", { id: "desc", "data-testid": "proposal-description", rows: "5", maxlength: limit("description").max });
  const hint = moderationHint();
  const errors = h("div", {});
  const cats = h("div", { class: "cats", role: "radiogroup", "aria-label": t("ui.category") },
    ...state.meta.categories.map((c) => h("button", {
      class: "cat", role: "radio", "aria-checked": "false", "data-category": c,
      onclick: (e) => {
        category = c;
        cats.querySelectorAll(".cat").forEach((b) => b.setAttribute("aria-checked", String(b === e.currentTarget)));
      },
    }, svg(CATEGORY_PIC[c] || CATEGORY_PIC.other, "#1f2933", ""), t("category." + c))));
  const check = () => hint.check(title.value + "\n" + desc.value);
  title.addEventListener("input", check);
  desc.addEventListener("input", check);
  async function submit() {
    errors.replaceChildren();
    const body = state.me.memberships.find((m) => m.kind === "council") || state.me.memberships[0];
    const r = await api("POST", "/api/v1/proposals", { body_id: body.body_id, title: title.value, description: desc.value, category: category || "other" });
    if (r.ok) return afterSend(r, () => navigate(`/proposals/${r.data.id}`), topBar);
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
  if (p.stage === "evaluation" && write && p.my.can_inspect) parts.push(inspectionForm(id, (filed) => proposal(id, filed), topBar));
  parts.push(evaluationResults(p, filed));
  const timeline = h("ol", { class: "timeline" }, ...p.timeline.map((e) => h("li", {},
    h("strong", {}, t("stage." + e.to)), " · ", new Date(e.at).toLocaleDateString(state.lang), e.note ? h("p", {}, e.note) : null)));
  const commentBox = commentsSection(id, p, comments.ok ? comments.data.items : [], write, () => proposal(id), topBar);
  mount(topBar(), h("main", {},
    h("button", { class: "ghost", onclick: () => navigate("/") }, "← " + t("ui.back")),
    h("h1", {}, p.title),
    stepper(p),
    h("p", { class: "meta" }, authorLine(p.author), " · ", t("category." + p.category)),
    p.description ? h("p", { class: "description" }, p.description) : null,
    readAloud(() => [p.title, p.description, p.decision ? p.decision.child_summary : ""].join("。")),
    p.visibility === "published" ? h("a", { class: "button", href: "/notice/proposals/" + id, "data-testid": "public-page" }, t("ui.public_page_link")) : null,
    ...parts,
    h("h2", {}, t("ui.timeline")), timeline,
    commentBox));
  showFiled(filed);
}

function evaluationForm(id) {
  const ratings = {};
  const scale = limit("rating");
  const marks = Array.from({ length: scale.max - scale.min + 1 }, (_, i) => scale.min + i);
  const rows = state.meta.evaluation_criteria.map((k) => h("fieldset", { class: "faces" },
    h("legend", {}, t("criterion." + k)),
    ...marks.map((n) => h("button", {
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
        if (r.ok) return afterSend(r, () => proposal(id), topBar);
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

start((path) => path === "/" || path === "/new" || path === "/inbox" || path.startsWith("/proposals/"), show);

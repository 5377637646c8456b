// The children's app: sign-in with a join code, a login name and a PIN pad; proposals by
// stage; writing a proposal with a kind warning before anything is sent; following a proposal
// to the end; the inbox. Sign-out is one tap, and automatic after 5 idle minutes.
import { state, t, h, svg, api, navigate, mount, note, langSwitch, readAloud, ICONS, face, limit, start, newKey, whileBusy, fieldErrors } from "./shell.js";
import { stageBadge, stepper, authorLine, afterSend, moderationHint, evaluationResults, showFiled, inspectionForm, commentsSection } from "./proposal-view.js";

state.words = "child"; // children read the stages as Ideas, Designing, Decided…

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
  const m = path.match(/^\/proposals\/([^/]+)(?:\/(rate|inspect))?$/);
  if (m && m[2] === "rate") return rateScreen(m[1]);
  if (m && m[2] === "inspect") return inspectScreen(m[1]);
  if (m) return proposal(m[1]);
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

/** signIn walks a child through join code, login name and a big PIN pad. Each step is a form,
 * so Enter (a tablet keyboard's "Go") moves on. */
function signIn() {
  const data = { body_code: "", login_name: "", pin: "" };
  const step = (onNext, ...children) => h("form", {
    onsubmit: (e) => { e.preventDefault(); onNext(); },
  }, ...children);
  const step1 = () => {
    const input = h("input", { id: "code", "data-testid": "join-code", autocomplete: "off", autocapitalize: "characters", maxlength: "8", class: "code", value: data.body_code, enterkeyhint: "next" });
    const next = () => { data.body_code = input.value.trim(); if (data.body_code) step2(); };
    mount(topBar(), h("main", { class: "narrow" },
      h("h1", {}, t("ui.sign_in_title")),
      step(next, h("label", { for: "code" }, t("ui.join_code")), input,
        h("button", { type: "submit", class: "big primary", "data-testid": "next" }, t("ui.next")))));
    input.focus();
  };
  const step2 = () => {
    const input = h("input", { id: "login", "data-testid": "login-name", autocomplete: "off", autocapitalize: "none", maxlength: limit("login_name").max, value: data.login_name, enterkeyhint: "next" });
    const next = () => { data.login_name = input.value.trim().toLowerCase(); if (data.login_name) step3(); };
    mount(topBar(), h("main", { class: "narrow" },
      h("h1", {}, t("ui.who_are_you")),
      step(next, h("label", { for: "login" }, t("ui.login_name")), input,
        h("div", { class: "row" },
          h("button", { type: "button", class: "big", onclick: step1 }, t("ui.back")),
          h("button", { type: "submit", class: "big primary", "data-testid": "next" }, t("ui.next"))))));
    input.focus();
  };
  const step3 = (error) => {
    data.pin = "";
    const pin = limit("pin");
    // The dots are a picture of how many digits are in; the words beside them say it.
    const dots = h("div", { class: "dots", "aria-hidden": "true" });
    const count = h("p", { class: "meta center", role: "status", "data-testid": "pin-count" });
    const draw = () => {
      dots.replaceChildren(...Array.from({ length: pin.max }, (_, i) => h("span", { class: i < data.pin.length ? "dot on" : "dot" })));
      count.textContent = t("ui.pin_count", { Count: data.pin.length });
    };
    const press = (d) => { if (data.pin.length < pin.max) { data.pin += d; draw(); } };
    const erase = () => { data.pin = data.pin.slice(0, -1); draw(); };
    const go = h("button", { class: "key go", "data-testid": "sign-in", "aria-label": t("ui.sign_in"), onclick: whileBusy(submit) }, "✓");
    const pad = h("div", { class: "pad" },
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => h("button", { class: "key", "data-testid": `pin-digit-${d}`, onclick: () => press(String(d)) }, String(d))),
      h("button", { class: "key", "aria-label": t("ui.delete"), onclick: erase }, "⌫"),
      h("button", { class: "key", "data-testid": "pin-digit-0", onclick: () => press("0") }, "0"),
      go);
    // A keyboard types the PIN too; Enter signs in.
    const onKey = (e) => {
      if (!pad.isConnected) return document.removeEventListener("keydown", onKey);
      if (/^[0-9]$/.test(e.key)) press(e.key);
      else if (e.key === "Backspace") erase();
      else if (e.key === "Enter" && !(document.activeElement instanceof HTMLButtonElement)) go.click();
    };
    document.addEventListener("keydown", onKey);
    async function submit() {
      if (data.pin.length < pin.min) return;
      const r = await api("POST", "/api/v1/auth/child/login", { ...data, session: "cookie" });
      if (!r.ok) return step3(r.error ? r.error.message : t("ui.offline"));
      state.me = r.data.user;
      watchIdle();
      navigate("/");
    }
    mount(topBar(), h("main", { class: "narrow" },
      h("h1", {}, t("ui.enter_pin")), error ? note(error, "error") : null, dots, count, pad,
      h("button", { class: "big", onclick: step2 }, t("ui.back"))));
    draw();
  };
  step1();
}

function canWrite() {
  return state.me && state.me.consent_status === "active" && state.me.assent === "given";
}

/** dueDate is a date the child can read, in the app's language. */
function dueDate(iso) {
  return new Date(iso).toLocaleDateString(state.lang, { year: "numeric", month: "long", day: "numeric" });
}

/** marksOf says in words what a proposal has to do with the child: theirs, supported, voted,
 * rated, or waiting for their vote or rating. */
function marksOf(p, write) {
  const m = p.marks || {};
  const out = [];
  if (m.mine) out.push(["mine", t("ui.mark_mine")]);
  if (m.supported) out.push(["supported", t("ui.mark_supported")]);
  if (m.voted) out.push(["voted", t("ui.mark_voted")]);
  if (m.evaluated) out.push(["evaluated", t("ui.mark_rated")]);
  if (write && p.stage === "design" && !m.voted) out.push(["todo", t("ui.mark_needs_vote")]);
  if (write && p.stage === "evaluation" && !m.evaluated) out.push(["todo", t("ui.mark_needs_rating")]);
  return out;
}

function card(p, write) {
  const marks = marksOf(p, write);
  const mine = p.marks && p.marks.mine;
  return h("li", {},
    h("a", { href: `/proposals/${p.id}`, class: "card link" + (marks.some(([k]) => k === "todo") ? " todo" : ""), "data-testid": "proposal-card", "data-id": p.id, onclick: (e) => { e.preventDefault(); navigate(`/proposals/${p.id}`); } },
      h("strong", {}, p.title),
      marks.length ? h("span", { class: "marks" }, ...marks.map(([k, text]) => h("span", { class: "mark " + k, "data-mark": k }, text))) : null,
      h("span", { class: "meta" }, mine ? stageBadge(p.stage) : authorLine(p.author), " · ", t("ui.supports", { Count: p.support_count })),
      mine && p.stage === "needs" && p.response_due_at ? h("span", { class: "meta due", "data-testid": "answer-due" }, t("ui.answer_due", { Date: dueDate(p.response_due_at) })) : null,
      p.visibility === "pending" ? h("span", { class: "meta" }, t("ui.only_adults_see")) : null));
}

/** readOnlyCard tells a child who cannot write why, kindly, and what they can still do. */
function readOnlyCard(me) {
  if (me.consent_status === "withdrawn") {
    return h("section", { class: "card wait", "data-testid": "withdrawn-note" }, h("h2", {}, t("ui.withdrawn_title")), h("p", {}, t("ui.withdrawn_body")));
  }
  return h("section", { class: "card wait", "data-testid": "waiting-note" }, h("h2", {}, t("ui.waiting_title")), h("p", {}, t("ui.waiting_body")));
}

/** home puts the child's own things first: what needs their vote or rating now, their own
 * proposals with the date an answer is due, then everyone's, by stage. */
async function home() {
  // The unread count fills in when it comes; the home does not wait for it.
  const inboxRes = api("GET", "/api/v1/notifications?limit=1");
  const list = await api("GET", "/api/v1/proposals?limit=100");
  if (list.status === 401) return signIn();
  const inboxButton = h("button", { class: "ghost", "data-testid": "inbox", onclick: () => navigate("/inbox") }, svg(ICONS.inbox, "currentColor", ""), t("ui.inbox"));
  inboxRes.then((r) => {
    if (r.ok && r.data.unread_count && inboxButton.isConnected) inboxButton.append(h("span", { class: "count", "data-testid": "unread-count" }, String(r.data.unread_count)));
  });
  const me = state.me;
  const write = canWrite();
  let action;
  if (me.consent_status !== "active") {
    action = readOnlyCard(me);
  } else if (me.assent !== "given") {
    action = h("section", { class: "card" }, h("h2", {}, t("ui.assent_title")), h("p", {}, t("ui.assent_body")),
      h("div", { class: "row" },
        h("button", { class: "big primary", "data-testid": "assent-yes", onclick: whileBusy(() => assent(true)) }, t("ui.assent_yes")),
        h("button", { class: "big", "data-testid": "assent-no", onclick: whileBusy(() => assent(false)) }, t("ui.assent_no"))));
  } else {
    action = h("button", { class: "big primary wide", "data-testid": "new-proposal", onclick: () => navigate("/new") }, svg(ICONS.pencil, "#fff", ""), t("ui.new_proposal"));
  }
  const items = list.ok ? list.data.items : [];
  let next = list.ok ? list.data.next_cursor : null;
  if (next) {
    // More than a page: what waits for the child and their own proposals come from lists of
    // their own, so that none is missing however many proposals the council has.
    const extra = await Promise.all(["mine=true", "stage=design", "stage=evaluation"].map((q) => api("GET", "/api/v1/proposals?limit=100&" + q)));
    addNew(items, extra.flatMap((r) => r.ok ? r.data.items : []));
  }
  const content = h("div", {});
  const render = () => {
    const todo = items.filter((p) => marksOf(p, write).some(([k]) => k === "todo"));
    const mine = items.filter((p) => p.marks && p.marks.mine && !todo.includes(p));
    const rest = items.filter((p) => !todo.includes(p) && !mine.includes(p));
    const section = (testid, title, list) => list.length ? h("section", { class: "group", "data-testid": testid },
      h("h2", {}, title), h("ul", { class: "cards" }, ...list.map((p) => card(p, write)))) : null;
    const groups = state.meta.stages.map((stage) => {
      const here = rest.filter((p) => p.stage === stage);
      if (!here.length) return null;
      return h("section", { class: "group", "data-stage": stage },
        h("h3", {}, stageBadge(stage)),
        h("ul", { class: "cards" }, ...here.map((p) => card(p, write))));
    });
    const more = next ? h("button", { class: "big wide", "data-testid": "more-proposals", onclick: whileBusy(async () => {
      const r = await api("GET", "/api/v1/proposals?limit=100&cursor=" + encodeURIComponent(next));
      if (!r.ok) return;
      addNew(items, r.data.items);
      next = r.data.next_cursor;
      render();
      content.querySelector("[data-testid=more-proposals]")?.focus();
    }) }, t("ui.public_more")) : null;
    content.replaceChildren(
      section("todo", t("ui.for_you_now"), todo),
      section("mine", t("ui.mine_title"), mine),
      rest.length && (todo.length || mine.length) ? h("h2", {}, t("ui.everyones")) : null,
      ...groups, more, items.length ? null : h("p", { class: "meta" }, t("ui.no_proposals")));
  };
  render();
  mount(topBar(me.display_name ? t("ui.hello", { Nickname: me.display_name }) : t("ui.hello_plain")), h("main", {},
    h("div", { class: "row between" },
      h("h1", {}, t("ui.my_proposals")),
      inboxButton),
    action, content));
}

/** addNew adds to items those of more it does not hold yet, and keeps them newest first (IDs
 * sort by time). */
function addNew(items, more) {
  const seen = new Set(items.map((p) => p.id));
  for (const p of more) {
    if (!seen.has(p.id)) {
      seen.add(p.id);
      items.push(p);
    }
  }
  items.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

async function assent(agree) {
  const r = await api("POST", "/api/v1/me/assent", { agree });
  if (r.ok) state.me = r.data;
  home();
}

function newProposal() {
  if (!canWrite()) return navigate("/");
  let category = "";
  let key = newKey(); // one proposal, however often the button is pressed
  let clear = () => {};
  const title = h("input", { id: "title", "data-testid": "proposal-title", maxlength: limit("title").max, autocomplete: "off" });
  const desc = h("textarea", { id: "desc", "data-testid": "proposal-description", rows: "5", maxlength: limit("description").max });
  const hint = moderationHint();
  const errors = h("div", {});
  const cats = h("div", { class: "cats", role: "radiogroup", "aria-label": t("ui.category"), id: "cats", tabindex: "-1" },
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
    clear();
    const body = state.me.memberships.find((m) => m.kind === "council") || state.me.memberships[0];
    const r = await api("POST", "/api/v1/proposals", { body_id: body.body_id, title: title.value, description: desc.value, category: category || "other" }, key);
    if (r.ok) return afterSend(r, () => navigate(`/proposals/${r.data.id}?sent=1`), topBar);
    key = newKey(); // the corrected proposal is a new request
    hint.replaceChildren(); // the error under the field says it now: once, not twice
    clear = fieldErrors(r.error, { title: "title", description: "desc", category: "cats" }, errors);
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
      h("button", { class: "big primary", "data-testid": "submit-proposal", onclick: whileBusy(submit) }, t("ui.submit")))));
}

/** sentNote says what happens next to a proposal the child just sent: when grown-ups will
 * answer, or that a person looks at it first. */
function sentNote(p) {
  const next = p.visibility === "pending" ? t("ui.sent_pending") :
    p.response_due_at ? t("ui.sent_due", { Date: dueDate(p.response_due_at) }) : t("ui.sent_soon");
  return h("section", { class: "card sent", role: "status", "data-testid": "sent-note" },
    h("h2", {}, t("ui.sent_title")), h("p", {}, next), h("p", {}, t("ui.sent_follow")));
}

/** notFound is the screen for an address that shows nothing the child may read. */
function notFound() {
  return mount(topBar(), h("main", {}, h("h1", {}, t("error.not_found")), h("button", { class: "big", onclick: () => navigate("/") }, t("ui.back"))));
}

/** backTo shows a proposal again after a task screen, in place of that screen in the history. */
function backTo(id, opts) {
  history.replaceState(null, "", `/proposals/${id}`);
  return proposal(id, opts);
}

/** proposal shows one proposal; opts.flash is the thank-you for what the child just did,
 * opts.filed the inspection just filed. */
async function proposal(id, opts = {}) {
  const [res, comments] = await Promise.all([api("GET", `/api/v1/proposals/${id}`), api("GET", `/api/v1/proposals/${id}/comments?limit=100`)]);
  if (res.status === 401) return signIn();
  if (!res.ok) return notFound();
  const p = res.data;
  const write = canWrite();
  const mineP = p.my && p.my.mine;
  const parts = [];
  const sent = new URLSearchParams(location.search).has("sent");
  if (sent) history.replaceState(null, "", `/proposals/${id}`); // said once, not again on reload
  const flashBox = h("div", { "data-testid": "flash" }, sent ? sentNote(p) : null, opts.flash ? h("p", { class: "note ok", role: "status" }, opts.flash) : null);
  if (!write && state.meta.comment_stages.concat(["evaluation"]).includes(p.stage)) parts.push(readOnlyNote());
  if (mineP && p.stage === "needs" && p.response_due_at && !sent) {
    parts.push(h("p", { class: "meta due", "data-testid": "answer-due" }, t("ui.answer_due", { Date: dueDate(p.response_due_at) })));
  }
  if (p.stage === "needs" && write && !mineP) {
    parts.push(h("button", {
      class: "big " + (p.my.supported ? "" : "primary"), "data-testid": "support", "aria-pressed": String(p.my.supported),
      onclick: whileBusy(async () => {
        const r = await api(p.my.supported ? "DELETE" : "PUT", `/api/v1/proposals/${id}/support`);
        if (r.ok) return proposal(id, { flash: t(p.my.supported ? "ui.unsupported_note" : "ui.supported_thanks") });
        flashBox.replaceChildren(note(r.error.message, "error"));
      }),
    }, svg(ICONS.thumb, "currentColor", ""), p.my.supported ? t("ui.supported") : t("ui.support"), ` (${p.support_count})`));
  }
  if (p.options.length) {
    parts.push(h("h2", {}, t("ui.design_options")), h("div", { class: "options" }, ...p.options.map((o) => h("article", { class: "card option" + (p.my.vote_option_id === o.id ? " chosen" : "") },
      o.image_url ? h("img", { src: o.image_url, alt: o.title, loading: "lazy" }) : null,
      h("h3", {}, o.title), o.description ? h("p", {}, o.description) : null,
      o.votes !== null ? h("p", { class: "meta" }, t("ui.votes", { Count: o.votes })) : null,
      p.stage === "design" && write ? h("button", {
        class: "big " + (p.my.vote_option_id === o.id ? "" : "primary"), "data-testid": "vote-option", "aria-pressed": String(p.my.vote_option_id === o.id),
        onclick: whileBusy(async () => {
          const r = await api("PUT", `/api/v1/proposals/${id}/vote`, { option_id: o.id });
          if (r.ok) return proposal(id, { flash: t("ui.voted_thanks", { Option: o.title }) });
          flashBox.replaceChildren(note(r.error.message, "error"));
        }),
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
  // Rating and the observers' check are tasks of their own, each on a calm screen.
  if (p.stage === "evaluation" && write) {
    parts.push(h("section", { class: "card tasks" },
      p.my.evaluated ? h("p", { "data-testid": "rated-already" }, t("ui.rated_already")) :
        h("button", { class: "big primary", "data-testid": "rate", onclick: () => navigate(`/proposals/${id}/rate`) }, t("ui.rate_it")),
      p.my.can_inspect ? h("button", { class: "big", "data-testid": "inspect", onclick: () => navigate(`/proposals/${id}/inspect`) }, t("ui.inspect")) : null));
  }
  parts.push(evaluationResults(p, opts.filed));
  const timeline = h("ol", { class: "timeline" }, ...p.timeline.map((e) => h("li", {},
    h("strong", {}, stageBadge(e.to)), " · ", new Date(e.at).toLocaleDateString(state.lang), e.note ? h("p", {}, e.note) : null)));
  const commentBox = commentsSection(id, p, comments.ok ? comments.data.items : [], write, () => proposal(id), topBar);
  mount(topBar(), h("main", {},
    h("button", { class: "ghost", onclick: () => navigate("/") }, "← " + t("ui.back")),
    h("h1", {}, p.title),
    flashBox,
    stepper(p),
    h("p", { class: "meta" }, authorLine(p.author), " · ", t("category." + p.category)),
    p.description ? h("p", { class: "description" }, p.description) : null,
    readAloud(() => [p.title, p.description, p.decision ? p.decision.child_summary : ""].filter(Boolean).join("。")),
    p.visibility === "published" ? h("a", { class: "button", href: "/notice/proposals/" + id, "data-testid": "public-page" }, t("ui.public_page_link")) : null,
    ...parts,
    h("h2", {}, t("ui.timeline")), timeline,
    commentBox));
  showFiled(opts.filed);
}

/** readOnlyNote tells a child who may read but not write why the buttons are missing. */
function readOnlyNote() {
  const me = state.me;
  const key = me.consent_status === "withdrawn" ? "ui.read_only_withdrawn" : me.consent_status !== "active" ? "ui.read_only_waiting" : "ui.read_only_assent";
  return h("p", { class: "note info", "data-testid": "read-only" }, t(key));
}

/** rateScreen is the rating, alone on its screen: each criterion with five faces in words and
 * colour (not shape alone), an optional comment, and a thank-you after. */
async function rateScreen(id) {
  const res = await api("GET", `/api/v1/proposals/${id}`);
  if (res.status === 401) return signIn();
  if (!res.ok) return notFound();
  const p = res.data;
  if (p.stage !== "evaluation" || !canWrite() || p.my.evaluated) return backTo(id);
  const ratings = {};
  let key = newKey();
  const scale = limit("rating");
  const marks = Array.from({ length: scale.max - scale.min + 1 }, (_, i) => scale.min + i);
  const rows = state.meta.evaluation_criteria.map((k) => h("fieldset", { class: "faces", id: "rate-" + k, tabindex: "-1" },
    h("legend", {}, t("criterion." + k)),
    ...marks.map((n) => h("button", {
      class: "face", "aria-pressed": "false", "data-testid": `face-${k}-${n}`, "data-n": n,
      onclick: (e) => {
        ratings[k] = n;
        const set = e.currentTarget.parentElement;
        set.querySelectorAll(".face").forEach((b) => b.setAttribute("aria-pressed", String(b === e.currentTarget)));
        set.querySelector(".field-error")?.remove();
      },
    }, face(n, ""), h("span", { class: "face-word" }, t("face." + n))))));
  const comment = h("textarea", { id: "rate-comment", rows: "3", maxlength: limit("comment").max, "data-testid": "rate-comment" });
  const hint = moderationHint();
  comment.addEventListener("input", () => hint.check(comment.value));
  const out = h("div", {});
  let clear = () => {};
  const submit = whileBusy(async () => {
    clear();
    const missing = state.meta.evaluation_criteria.filter((k) => !(k in ratings));
    if (missing.length) {
      for (const k of missing) {
        const set = document.getElementById("rate-" + k);
        if (!set.querySelector(".field-error")) set.append(h("p", { class: "note error field-error" }, t("ui.rate_choose", { Criterion: t("criterion." + k) })));
      }
      document.getElementById("rate-" + missing[0]).focus();
      return;
    }
    const r = await api("POST", `/api/v1/proposals/${id}/evaluations`, { ratings, comment: comment.value }, key);
    if (r.ok) return afterSend(r, () => backTo(id, { flash: t(r.data.visibility === "pending" && comment.value.trim() ? "ui.rated_thanks_pending" : "ui.rated_thanks") }), topBar);
    key = newKey();
    hint.replaceChildren();
    clear = fieldErrors(r.error, { comment: "rate-comment" }, out);
  });
  mount(topBar(), h("main", { class: "narrow" },
    h("button", { class: "ghost", onclick: () => backTo(id) }, "← " + t("ui.back")),
    h("h1", {}, t("ui.rate_title")),
    h("p", { class: "lead" }, p.title),
    h("p", {}, t("ui.rate_intro")),
    ...rows,
    h("label", { for: "rate-comment" }, t("ui.rate_comment")), comment, hint, out,
    h("button", { class: "big primary wide", "data-testid": "submit-evaluation", onclick: submit }, t("ui.submit"))));
}

/** inspectScreen is the observers' on-site check, a step of its own. */
async function inspectScreen(id) {
  const res = await api("GET", `/api/v1/proposals/${id}`);
  if (res.status === 401) return signIn();
  if (!res.ok) return notFound();
  const p = res.data;
  if (p.stage !== "evaluation" || !canWrite() || !p.my.can_inspect) return backTo(id);
  mount(topBar(), h("main", { class: "narrow" },
    h("button", { class: "ghost", onclick: () => backTo(id) }, "← " + t("ui.back")),
    h("h1", {}, t("ui.inspect_title")),
    h("p", { class: "lead" }, p.title),
    inspectionForm(id, (filed) => backTo(id, { filed }), topBar)));
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

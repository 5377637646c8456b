// The proposal view the children's app and the staff desk share: a proposal's stage as a picture
// and a stepper, authors by nickname and age, the live screening hint and the kind message after
// a cry for help, the evaluation results, the observers' inspection form and the comments.
// Pages pass the header of their own screens (top) to the parts that may show a screen of their own.
import { state, t, h, svg, api, mount, note, readAloud, limit, newKey, whileBusy, stageName, fieldErrors } from "./shell.js";

const STAGE_PIC = {
  needs: ["M4 5h16v10H9l-5 4z"], // a speech bubble
  design: ["M4 20l4-1 11-11-3-3L5 16z", "M14 6l3 3"], // a pencil
  decision: ["M4 10v4h3l6 4V6L7 10z", "M17 9a4 4 0 010 6"], // a loudspeaker
  evaluation: ["M12 3l2.6 5.6 6 .6-4.5 4 1.3 6L12 16l-5.4 3.2 1.3-6-4.5-4 6-.6z"], // a star
  closed: ["M4 12l5 5L20 6"], // a tick
};
const STAGE_COLOR = { needs: "#b4480a", design: "#1d6fb8", decision: "#7a3fb0", evaluation: "#1f7a3a", closed: "#555" };

/** stagePicture is the picture of a stage; a stage the server adds later gets a plain dot. */
function stagePicture(stage, color) {
  return svg(STAGE_PIC[stage] || ["M12 11v2"], color || STAGE_COLOR[stage] || "#555", "");
}

export function stageBadge(stage) {
  return h("span", { class: "stage", "data-stage": stage }, stagePicture(stage), stageName(stage));
}

export function authorLine(a) {
  return a ? t("ui.by_child", { Nickname: a.nickname, Age: a.age }) : t("ui.anonymous_participant");
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
function cared(message, next, top) {
  mount(top(), h("main", { class: "narrow" },
    h("h1", {}, t("ui.sg_sent_title")),
    careNote(message),
    readAloud(() => message),
    h("button", { class: "big primary", "data-testid": "care-continue", onclick: next }, t("ui.sg_continue"))));
}

/** afterSend goes on with next after a write, by way of the kind message when it asked for help
 * (on a screen under the page's header, top). */
export function afterSend(r, next, top) {
  const message = careMessage(r.data && r.data.reasons);
  return message ? cared(message, next, top) : next();
}

/** moderationHint asks the server what it would say, while the child is still typing. */
export function moderationHint() {
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
      // Each hint once, however many places in the text it was found.
      box.replaceChildren(...[...new Set(r.data.reasons.map((x) => x.message))].map((m) => h("p", { class: "note warn" }, m)));
    }, 350);
  };
  return box;
}

/** stepper shows the five stages; a stage the proposal went through is done, one it skipped (a
 * merge, or straight to a decision) stays grey. */
export function stepper(p) {
  const stages = state.meta.stages;
  const at = stages.indexOf(p.stage);
  const visited = new Set(p.timeline.map((e) => e.to));
  return h("ol", { class: "stepper", "aria-label": t("ui.stages") },
    ...stages.map((s, i) => {
      const done = i < at && visited.has(s);
      return h("li", { class: done ? "done" : i === at ? "now" : "", "aria-current": i === at ? "step" : null },
        stagePicture(s, done || i === at ? undefined : "#9aa5b1"), h("span", {}, stageName(s)));
    }));
}

/** evaluationResults shows the ratings, the observers' inspections and the closing summary;
 * the inspection just filed, if any, says thank you. */
export function evaluationResults(p, filed) {
  const e = p.evaluation_summary;
  if (!e || (!e.count && !(e.inspections || []).length && !e.summary)) return null;
  const a = e.averages;
  return h("section", { class: "card", "data-testid": "evaluation-results" }, h("h2", {}, t("ui.ratings")),
    e.count ? h("p", {}, state.meta.evaluation_criteria.map((k) => `${t("criterion." + k)} ${a[k]}`).join(" · "),
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
export function inspectionForm(id, done, top) {
  const answers = {};
  const notes = {};
  const rows = CHECKLIST.map((k) => {
    notes[k] = h("input", { id: "inspect-note-" + k, maxlength: limit("note").max, autocomplete: "off" });
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
  const summary = h("textarea", { id: "inspect-summary", rows: "3", maxlength: limit("summary").max, "data-testid": "inspect-summary" });
  const hint = moderationHint();
  summary.addEventListener("input", () => hint.check(summary.value));
  const out = h("div", {});
  let clear = () => {};
  return h("section", { class: "card" }, h("h2", {}, t("ui.inspect")), h("p", {}, t("ui.inspect_intro")), ...rows,
    h("label", { for: "inspect-summary" }, t("ui.inspect_summary")), summary, hint, out,
    h("button", {
      class: "big primary", "data-testid": "submit-inspection",
      onclick: whileBusy(async () => {
        clear();
        const items = CHECKLIST.filter((k) => k in answers).map((k) => ({ item: t("inspect." + k), ok: answers[k], note: notes[k].value }));
        if (!items.length) return out.replaceChildren(note(t("ui.inspect_choose"), "error"));
        const r = await api("POST", `/api/v1/proposals/${id}/inspections`, { items, summary: summary.value });
        if (r.ok) return afterSend(r, () => done(r.data.id), top);
        hint.replaceChildren();
        clear = fieldErrors(r.error, { summary: "inspect-summary" }, out);
      }),
    }, t("ui.submit")));
}

/** commentsSection lists a proposal's comments with one level of replies and, while comments are
 * open and write is true, a form; reload redraws the page after sending. */
export function commentsSection(id, p, items, write, reload, top) {
  const open = state.meta.comment_stages.includes(p.stage) && write;
  let parent = null;
  const input = h("textarea", { id: "comment", rows: "3", maxlength: limit("comment").max, "data-testid": "comment-body" });
  const replying = h("p", { class: "meta", "aria-live": "polite" });
  const replyTo = (c) => {
    parent = c.id;
    replying.replaceChildren(t("ui.replying_to", { Name: c.author ? c.author.nickname : t("role." + c.author_role) }),
      h("button", { class: "ghost", onclick: () => { parent = null; replying.replaceChildren(); } }, t("ui.cancel")));
    input.focus();
  };
  const canReport = state.me && state.me.role === "child";
  const list = h("ul", { class: "comments" }, ...items.map((c) => h("li", { class: c.parent_id ? "reply" : "" },
    h("span", { class: "meta" }, c.author ? authorLine(c.author) : t("role." + c.author_role)),
    c.visibility === "pending" ? h("span", { class: "meta" }, " · " + t(state.me && state.me.role === "child" ? "ui.only_adults_see" : "ui.waiting_review")) : null,
    h("p", {}, c.body),
    open && !c.parent_id && c.visibility === "published" ? h("button", { class: "ghost", "data-testid": "reply", onclick: () => replyTo(c) }, t("ui.reply")) : null,
    canReport && c.visibility === "published" ? reportButton("comment", c.id) : null)));
  if (!open) return h("section", {}, h("h2", {}, t("ui.comments")), list);
  const hint = moderationHint();
  input.addEventListener("input", () => hint.check(input.value));
  const out = h("div", {});
  let key = newKey();
  let clear = () => {};
  return h("section", {}, h("h2", {}, t("ui.comments")), list,
    h("label", { for: "comment" }, t("ui.your_comment")), replying, input, hint, out,
    h("button", {
      class: "big primary", "data-testid": "submit-comment",
      onclick: whileBusy(async () => {
        clear();
        const r = await api("POST", `/api/v1/proposals/${id}/comments`, { body: input.value, parent_id: parent || undefined }, key);
        if (r.ok) return afterSend(r, reload, top);
        key = newKey(); // the corrected comment is a new one
        hint.replaceChildren(); // the error under the field says it now
        clear = fieldErrors(r.error, { body: "comment" }, out);
      }),
    }, t("ui.send")));
}

/** reportButton lets a child tell a grown-up about something unkind or unsafe: a reason to
 * choose, then a thank-you; a person looks at it (enough reports hide it until then). */
export function reportButton(type, targetId) {
  const box = h("div", { class: "report" });
  const send = (reason) => whileBusy(async () => {
    const r = await api("POST", "/api/v1/reports", { target_type: type, target_id: targetId, reason: t("report." + reason) });
    box.replaceChildren(note(r.ok ? t("ui.report_thanks") : r.error.message, r.ok || r.status === 409 ? "ok" : "error"));
  });
  const open = h("button", {
    class: "ghost", "data-testid": "report",
    onclick: () => box.replaceChildren(h("p", { class: "label" }, t("ui.report_why")),
      h("div", { class: "row" }, ...["unkind", "personal", "other"].map((k) =>
        h("button", { class: "big", "data-testid": "report-" + k, onclick: send(k) }, t("report." + k))),
      h("button", { class: "ghost", onclick: () => box.replaceChildren(open) }, t("ui.cancel")))),
  }, t("ui.report"));
  box.append(open);
  return box;
}

// A proposal on the desk, organised around the work: the child's words, who wrote it where, the
// deadline and the timeline, then the one action the stage needs next, with the other actions a
// click away. Only the moves the server offers (p.moves) are offered; every action ends with a
// confirmation.
import { state, t, h, api, mount, readAloud, limit } from "./shell.js";
import { evaluationResults, inspectionForm, showFiled, commentsSection, authorLine } from "./proposal-view.js";
import { link, errorNotes, confirmLater, confirmation, day, time, deadline, listAddress } from "./desk-common.js";

export async function proposalPage(id, top, filed) {
  const [r, comments] = await Promise.all([api("GET", `/api/v1/proposals/${id}`), api("GET", `/api/v1/proposals/${id}/comments?limit=100`)]);
  if (!r.ok) return mount(top(), h("main", {}, ...errorNotes(r.error)));
  const p = r.data;
  const again = () => proposalPage(id, top);
  const out = h("div", { "aria-live": "polite" });
  // act sends one action; on success the page is drawn again with what was done said on top.
  const act = async (method, path, body, done) => {
    const res = await api(method, path, body);
    if (!res.ok) {
      out.replaceChildren(...errorNotes(res.error));
      out.scrollIntoView({ block: "center" });
      return;
    }
    confirmLater(done(res.data));
    again();
  };

  const moves = p.moves || [];
  const offered = (needs) => moves.filter((m) => needs.includes(m.needs));
  const parts = {}; // every action this proposal offers now, by name
  if (offered(["none", "summary"]).length) parts.stage = stageForm(p, offered(["none", "summary"]), act);
  if (offered(["decision"]).length) parts.decision = decisionForm(p, act);
  if (p.stage === "design" && state.me.role !== "facilitator") parts.option = optionForm(p, act);
  if (offered(["merged_into"]).length) parts.merge = await mergeForm(p, act);
  if (p.stage === "evaluation") parts.inspect = inspectionForm(id, (f) => proposalPage(id, top, f), top);
  // The next action: what this stage is waiting for.
  const next = p.stage === "design" ? (parts.decision ? "decision" : "option")
    : p.stage === "evaluation" && !parts.stage ? "inspect"
      : parts.stage ? "stage" : parts.decision ? "decision" : null;
  const others = Object.entries(parts).filter(([name, node]) => node && name !== next);

  const d = deadline(p);
  const a = p.author;
  const work = h("div", { class: "work" },
    h("section", { class: "words" }, h("h2", {}, t("ui.desk_childs_words")),
      h("blockquote", { "data-testid": "childs-words" }, p.description || p.title)),
    p.decision ? h("section", {}, h("h2", {}, t("ui.desk_decision")), h("p", { class: "summary" }, p.decision.child_summary),
      p.decision.notice_until ? h("p", { class: "meta" }, t("ui.desk_notice_until", { Date: p.decision.notice_until })) : null) : null,
    h("section", {}, h("h2", {}, t("ui.timeline")), h("ol", { class: "timeline", "data-testid": "timeline" }, ...p.timeline.map((ev) => h("li", {},
      h("strong", {}, ev.from ? t("ui.desk_moved", { From: t("stage." + ev.from), To: t("stage." + ev.to) }) : t("ui.desk_created")),
      h("span", { class: "meta" }, time(ev.at), " · ", t("role." + ev.actor_role)), ev.note ? h("span", {}, ev.note) : null)))),
    evaluationResults(p, filed));
  const actions = h("div", { class: "actions" },
    out,
    next && parts[next] ? h("section", { class: "card next", "data-testid": "next-action" }, h("h2", {}, t("ui.desk_next_step")), parts[next])
      : h("p", { class: "note info", "data-testid": "no-action" }, t(p.stage === "closed" ? "ui.desk_nothing_closed" : "ui.desk_nothing_for_you")),
    others.length ? h("section", { class: "more" }, h("h2", {}, t("ui.desk_other_actions")),
      ...others.map(([name, node]) => h("details", { "data-testid": "more-" + name }, h("summary", {}, t("ui.desk_action." + (name === "decision" && p.decision ? "correct" : name))), node))) : null);
  mount(top(), h("main", { class: "wide proposal-desk" },
    link(listAddress(), "← " + t("ui.desk_back_to_list"), { class: "back" }),
    h("h1", {}, p.title),
    h("p", { class: "meta", "data-testid": "desk-stage" }, t("stage." + p.stage), " · ", p.body.name, " · ",
      a ? authorLine(a) : t("ui.anonymous_participant"), " · ", t("ui.desk_written", { Date: day(p.created_at) })),
    confirmation(),
    h("p", { class: "due-line", "data-testid": "due-line" },
      p.response_due_at ? [t("ui.desk_due_on", { Date: day(p.response_due_at) }), " ", d.text ? h("span", { class: "due " + d.kind }, d.text) : null]
        : t("ui.waiting_review")),
    h("div", { class: "desk-cols" }, work, actions),
    commentsSection(id, p, comments.ok ? comments.data.items : [], ["committee", "facilitator"].includes(state.me.role), again, top)));
  showFiled(filed);
}

/** stageForm moves the proposal to one of the stages the server offers; closing from
 * evaluation asks for a summary of what was done. */
function stageForm(p, moves, act) {
  const needs = Object.fromEntries(moves.map((m) => [m.to, m.needs]));
  const to = h("select", { id: "to", "data-testid": "stage-to" }, ...moves.map((m) => h("option", { value: m.to }, t("stage." + m.to))));
  const noteIn = h("input", { id: "stage-note", maxlength: limit("note").max });
  const summary = h("textarea", { id: "stage-summary", rows: "2", maxlength: limit("summary").max });
  const summaryPart = h("div", {}, h("label", { for: "stage-summary" }, t("ui.closing_summary")), summary);
  const showSummary = () => { summaryPart.hidden = needs[to.value] !== "summary"; };
  to.addEventListener("change", showSummary);
  showSummary();
  return h("div", {}, h("label", { for: "to" }, t("ui.to_stage")), to, h("label", { for: "stage-note" }, t("ui.note")), noteIn, summaryPart,
    h("button", { class: "big primary", "data-testid": "move-stage",
      onclick: () => act("POST", `/api/v1/proposals/${p.id}/stage`, { to: to.value, note: noteIn.value, summary: needs[to.value] === "summary" ? summary.value : undefined },
        (d) => t("ui.desk_done_moved", { Stage: t("stage." + d.stage) })) }, t("ui.move")));
}

/** decisionForm publishes (or corrects) the decision, with a live preview of the child's summary. */
function decisionForm(p, act) {
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
  return h("div", {},
    h("label", { for: "outcome" }, t("ui.outcome")), outcome,
    h("label", { for: "child-summary" }, t("ui.child_summary")), summary, count,
    h("p", { class: "label" }, t("ui.preview")), preview, readAloud(() => summary.value),
    h("label", { for: "details" }, t("ui.decision_details")), details,
    h("label", { for: "unit" }, t("ui.responsible")), unit,
    h("label", { for: "planned" }, t("ui.planned_completion")), planned,
    h("label", { for: "notice-days" }, t("ui.notice_days")), days,
    h("button", {
      class: "big primary", "data-testid": "publish-decision",
      onclick: () => act("POST", `/api/v1/proposals/${p.id}/decision`, {
        outcome: outcome.value, child_summary: summary.value, details: details.value, responsible_unit: unit.value,
        planned_completion: planned.value || undefined, notice_days: days.value === "" ? undefined : Number(days.value),
      }, (d) => t(p.decision ? "ui.desk_done_corrected" : "ui.desk_done_published", { Date: d.decision ? d.decision.notice_until : "" })),
    }, t(p.decision ? "ui.desk_correct_decision" : "ui.publish")));
}

/** optionForm adds a design option (2 to 5 are needed before the children vote). */
function optionForm(p, act) {
  const title = h("input", { id: "opt-title", maxlength: limit("title").max, "data-testid": "option-title" });
  const desc = h("textarea", { id: "opt-desc", rows: "2", maxlength: limit("description").max });
  const opts = limit("options");
  return h("div", {},
    h("p", { class: "meta" }, t("ui.desk_options_needed", { Min: opts.min, Max: opts.max, Count: p.options.length })),
    p.options.length ? h("ul", {}, ...p.options.map((o) => h("li", {}, `${o.title} (${t("ui.desk_votes", { Count: o.votes ?? 0 })})`))) : null,
    h("label", { for: "opt-title" }, t("ui.option_title")), title, h("label", { for: "opt-desc" }, t("ui.proposal_description")), desc,
    h("button", { class: "big", "data-testid": "add-option",
      onclick: () => act("POST", `/api/v1/proposals/${p.id}/options`, { title: title.value, description: desc.value }, () => t("ui.desk_done_option")) }, t("ui.add")));
}

/** mergeForm joins a proposal in needs to another of the same body that says the same thing;
 * its author and supporters are told, and its page points to the one it joined. */
async function mergeForm(p, act) {
  const r = await api("GET", `/api/v1/proposals?body_id=${p.body.id}&limit=100`);
  const others = (r.ok ? r.data.items : []).filter((x) => x.id !== p.id && x.stage !== "closed");
  if (!others.length) return null;
  const into = h("select", { id: "merge-into", "data-testid": "merge-into" }, ...others.map((x) => h("option", { value: x.id }, `${x.title} · ${t("stage." + x.stage)}`)));
  const why = h("input", { id: "merge-note", maxlength: limit("note").max });
  return h("div", {}, h("p", { class: "meta" }, t("ui.merge_explained")),
    h("label", { for: "merge-into" }, t("ui.merge_into")), into, h("label", { for: "merge-note" }, t("ui.note")), why,
    h("button", { class: "big", "data-testid": "merge",
      onclick: () => act("POST", `/api/v1/proposals/${p.id}/stage`, { to: "closed", merged_into: into.value, note: why.value }, () => t("ui.desk_done_merged")) }, t("ui.merge")));
}

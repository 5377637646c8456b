// The desk's review queue: cries for help first, then each held or reported text with a link to
// its proposal, its author's nickname, body, time and reasons, to approve or reject; below, the
// decisions of the last week with what the adult did about a cry for help, each to take back.
import { state, t, h, api, mount, note, limit } from "./shell.js";
import { link, errorNotes, confirmLater, confirmation, time } from "./desk-common.js";

export async function queuePage(top, signIn) {
  const queue = () => queuePage(top, signIn);
  const [r, done] = await Promise.all([api("GET", "/api/v1/moderation/queue?limit=100"), api("GET", "/api/v1/moderation/queue?status=decided&limit=50")]);
  if (r.status === 401) return signIn();
  const items = r.ok ? r.data.items : [];
  const out = h("div", { "aria-live": "polite" });
  const send = async (path, body, said) => {
    const res = await api("POST", path, body);
    if (!res.ok) return out.replaceChildren(...errorNotes(res.error));
    confirmLater(said);
    queue();
  };
  const decide = (it, action) => send(`/api/v1/moderation/items/${it.id}`, { action }, t(action === "approve" ? "ui.desk_done_approved" : "ui.desk_done_rejected"));
  mount(top(), h("main", { class: "wide" }, h("h1", {}, t("ui.queue")), confirmation(), out,
    items.length ? h("ul", { class: "cards" }, ...items.map((it) => it.safeguarding ? safeguardingItem(it, queue) : h("li", { class: "card", "data-testid": "queue-item" },
      itemHead(it),
      h("p", { class: "sg-text" }, it.excerpt),
      h("p", { class: "meta" }, t("ui.desk_why_held"), it.reasons.map((x) => x.message).join(" · "), it.report_count ? ` · ${t("ui.reports", { Count: it.report_count })}` : ""),
      h("div", { class: "row" },
        h("button", { class: "big primary", "data-testid": "approve", onclick: () => decide(it, "approve") }, t("ui.approve")),
        h("button", { class: "big", "data-testid": "reject", onclick: () => decide(it, "reject") }, t("ui.reject")))))) : h("p", { class: "meta" }, t("ui.queue_empty")),
    done.ok && done.data.items.length ? h("section", {}, h("h2", {}, t("ui.desk_decided")),
      h("ul", { class: "cards" }, ...done.data.items.map((it) => h("li", { class: it.safeguarding ? "card urgent" : "card", "data-testid": "decided-item" },
        itemHead(it),
        h("p", {}, h("strong", {}, t("ui.desk_status." + it.status)), " · ", time(it.decided_at)),
        it.outcome ? h("p", { "data-testid": "sg-done" }, t("ui.desk_adult_did", { Outcome: t("safeguarding_outcome." + it.outcome) }), it.outcome_note ? " — " + it.outcome_note : "") : null,
        h("p", { class: "meta" }, it.excerpt),
        h("button", { class: "big", "data-testid": "undo", onclick: () => send(`/api/v1/moderation/items/${it.id}/undo`, undefined, t("ui.desk_done_undone")) }, t("ui.desk_undo")))))) : null));
}

/** itemHead says what a queued text is: where (a link to its proposal), by whom, in which body, when. */
function itemHead(it) {
  return h("p", { class: "meta" },
    it.proposal_id ? link(`/staff/proposals/${it.proposal_id}`, t("ui.desk_open_proposal", { Type: t("ui.desk_target." + it.target_type) }), { "data-testid": "queue-proposal" }) : t("ui.desk_target." + it.target_type),
    " · ", it.author ? it.author.nickname : t("ui.anonymous_participant"), " · ", it.body.name, " · ", time(it.created_at));
}

/** safeguardingItem is a cry for help on the desk: marked in words, with who wrote it, where and
 * when, the whole text, and a form that records what the adult did before it closes. */
function safeguardingItem(it, queue) {
  const n = it.id;
  const outcome = h("select", { id: "sg-outcome-" + n, "data-testid": "sg-outcome" },
    h("option", { value: "" }, "—"), ...state.meta.safeguarding_outcomes.map((o) => h("option", { value: o }, t("safeguarding_outcome." + o))));
  const noteIn = h("textarea", { id: "sg-note-" + n, rows: "2", maxlength: limit("note").max, "data-testid": "sg-note" });
  const out = h("div", { "aria-live": "polite" });
  const close = async (action) => {
    if (action !== "approve" && !outcome.value) return out.replaceChildren(note(t("ui.sg_choose"), "error"));
    const body = { action, outcome: action === "approve" ? "not_a_concern" : outcome.value, note: noteIn.value };
    const res = await api("POST", `/api/v1/moderation/items/${it.id}`, body);
    if (!res.ok) return out.replaceChildren(...errorNotes(res.error));
    confirmLater(t("ui.desk_done_sg", { Outcome: t("safeguarding_outcome." + body.outcome) }));
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
    it.proposal_id ? h("p", {}, link(`/staff/proposals/${it.proposal_id}`, t("ui.desk_open_proposal", { Type: t("ui.desk_target." + it.target_type) }))) : null,
    h("p", {}, t("ui.sg_written_at", { At: new Date(it.created_at).toLocaleString(state.lang) })),
    it.escalated_at ? h("p", { class: "meta" }, t("ui.sg_escalated")) : null,
    h("p", { class: "sg-text", "data-testid": "sg-text" }, it.text || it.excerpt),
    found.length ? h("p", { class: "meta", "data-testid": "sg-reasons" }, t("ui.sg_also_found", { Reasons: found.join(" · ") })) : null,
    h("label", { for: "sg-outcome-" + n }, t("ui.sg_outcome")), outcome,
    h("label", { for: "sg-note-" + n }, t("ui.sg_note")), noteIn,
    out,
    h("div", { class: "row" },
      h("button", { class: "big primary", "data-testid": "sg-close", onclick: () => close("resolve") }, t("ui.sg_close")),
      h("button", { class: "big", "data-testid": "sg-publish", onclick: () => confirmPublish(out, () => close("approve")) }, t("ui.sg_publish"))));
}

/** confirmPublish asks once more before a cry for help is shown to other children: the child was
 * told only caring adults would read it, so publishing is for a text that was never one. */
function confirmPublish(out, publish) {
  out.replaceChildren(h("div", { class: "note warn", role: "alert", "data-testid": "sg-publish-confirm" },
    h("p", {}, t("ui.sg_publish_warning")),
    h("div", { class: "row" },
      h("button", { class: "big", "data-testid": "sg-publish-yes", onclick: publish }, t("ui.sg_publish_yes")),
      h("button", { class: "big primary", "data-testid": "sg-publish-no", onclick: () => out.replaceChildren() }, t("ui.sg_publish_no")))));
  out.querySelector("[data-testid=sg-publish-no]").focus();
}


// The desk's moderation queue: cries for help first, each with what the adult did.
import { state, t, h, api, mount, note, limit } from "./shell.js";

export async function queuePage(top, signIn) {
  const queue = () => queuePage(top, signIn);
  const r = await api("GET", "/api/v1/moderation/queue?limit=100");
  if (r.status === 401) return signIn();
  const items = r.ok ? r.data.items : [];
  const decide = async (id, action) => { await api("POST", `/api/v1/moderation/items/${id}`, { action }); queue(); };
  mount(top(), h("main", {}, h("h1", {}, t("ui.queue")),
    items.length ? h("ul", { class: "cards" }, ...items.map((it) => it.safeguarding ? safeguardingItem(it, queue) : h("li", { class: "card", "data-testid": "queue-item" },
      h("p", {}, it.excerpt),
      h("p", { class: "meta" }, it.body.name, " · ", it.reasons.map((x) => x.message).join(" · "), it.report_count ? ` · ${t("ui.reports", { Count: it.report_count })}` : ""),
      h("div", { class: "row" },
        h("button", { class: "big primary", onclick: () => decide(it.id, "approve") }, t("ui.approve")),
        h("button", { class: "big", onclick: () => decide(it.id, "reject") }, t("ui.reject")))))) : h("p", { class: "meta" }, t("ui.queue_empty"))));
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


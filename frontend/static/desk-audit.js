// The audit log on the desk (admin): who did what to whom and when, in words, filtered by who,
// what and when (kept in the address), page by page, and exported as CSV with the same filter.
import { state, t, h, api, mount } from "./shell.js";
import { errorNotes, time } from "./desk-common.js";

const FILTERS = ["staff_id", "action", "from", "to"];
let cursors = { key: "", before: [], cursor: "" };

export async function auditPage(top, signIn) {
  const params = new URLSearchParams(location.search);
  const filters = new URLSearchParams();
  for (const k of FILTERS) if (params.get(k)) filters.set(k, params.get(k));
  if (cursors.key !== filters.toString()) cursors = { key: filters.toString(), before: [], cursor: "" };
  const query = new URLSearchParams(filters);
  query.set("limit", "50");
  if (cursors.cursor) query.set("cursor", cursors.cursor);
  const [r, staff] = await Promise.all([api("GET", "/api/v1/audit?" + query), api("GET", "/api/v1/staff?limit=100")]);
  if (r.status === 401) return signIn();
  const again = () => auditPage(top, signIn);
  const current = Object.fromEntries(FILTERS.map((k) => [k, filters.get(k) || ""]));
  const apply = (next) => {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v) qs.set(k, v);
    history.replaceState(null, "", "/staff/audit" + (qs.toString() ? "?" + qs : ""));
    again();
  };
  const field = (id, label, control) => h("div", { class: "field" }, h("label", { for: id }, label), control);
  const who = h("select", { id: "audit-who", "data-testid": "audit-who", onchange: () => apply({ ...current, staff_id: who.value }) },
    h("option", { value: "" }, t("ui.desk_audit_anyone")), ...(staff.ok ? staff.data.items : []).map((s) => h("option", { value: s.id }, `${s.username} · ${t("role." + s.role)}`)));
  who.value = current.staff_id;
  const what = h("select", { id: "audit-what", "data-testid": "audit-what", onchange: () => apply({ ...current, action: what.value }) },
    h("option", { value: "" }, t("ui.desk_audit_anything")), ...state.meta.audit_actions.map((a) => h("option", { value: a }, t("audit." + a))));
  what.value = current.action;
  const date = (id, key, label) => {
    const el = h("input", { id, type: "date", value: current[key], "data-testid": id, onchange: () => apply({ ...current, [key]: el.value }) });
    return field(id, label, el);
  };
  const actorName = (a) => a.name || (a.role === "guardian" ? t("ui.desk_audit_guardian") : a.role === "admin" && a.id === "system" ? t("ui.desk_audit_system") : t("ui.desk_audit_gone"));
  const items = r.ok ? r.data.items : [];
  mount(top(), h("main", { class: "wide" }, h("h1", {}, t("ui.audit")),
    h("div", { class: "desk-filters", role: "search", "aria-label": t("ui.desk_filters") }, h("div", { class: "filters" },
      field("audit-who", t("ui.desk_audit_who"), who), field("audit-what", t("ui.desk_audit_what"), what),
      date("audit-from", "from", t("ui.desk_audit_from")), date("audit-to", "to", t("ui.desk_audit_to")),
      h("a", { class: "big button", "data-testid": "audit-export", href: "/api/v1/audit/export.csv" + (filters.toString() ? "?" + filters : ""), download: "" }, t("ui.desk_audit_export")))),
    r.ok ? null : errorNotes(r.error),
    items.length ? h("div", { class: "table-wrap" }, h("table", { class: "grid", "data-testid": "audit" },
      h("thead", {}, h("tr", {}, ...["ui.desk_audit_when", "ui.desk_audit_who", "ui.desk_audit_what", "ui.desk_audit_subject"].map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, ...items.map((ev) => h("tr", { "data-testid": "audit-row" },
        h("td", { "data-label": t("ui.desk_audit_when") }, time(ev.at)),
        h("td", { "data-label": t("ui.desk_audit_who") }, actorName(ev.actor), h("span", { class: "meta" }, t("role." + ev.actor.role))),
        h("td", { "data-label": t("ui.desk_audit_what") }, ev.action_text),
        h("td", { "data-label": t("ui.desk_audit_subject") }, ev.subject.name || t("ui.desk_subject." + ev.subject.type))))))) : h("p", { class: "meta" }, t("ui.desk_audit_none")),
    h("div", { class: "row pager" },
      cursors.before.length ? h("button", { class: "big", onclick: () => { cursors.cursor = cursors.before.pop(); again(); } }, "← " + t("ui.desk_prev")) : null,
      r.ok && r.data.next_cursor ? h("button", { class: "big", "data-testid": "audit-next",
        onclick: () => { cursors.before.push(cursors.cursor); cursors.cursor = r.data.next_cursor; again(); } }, t("ui.desk_next") + " →") : null)));
}

// The desk's proposal list: search, filters and order kept in the address (so back and reload
// keep them), the count for the filter, paging through any number, one aligned table with the
// days left before each deadline, and bulk stage changes answered per proposal.
import { state, t, h, api, mount, note } from "./shell.js";
import { link, errorNotes, confirmation, day, deadline, rememberList } from "./desk-common.js";

const PAGE = 50;
const FILTERS = ["q", "body_id", "stage", "category", "overdue", "due_before", "sort"];

// Where paging stands: the cursors of the pages before this one, and this one's.
let paging = { key: "", before: [], cursor: "" };
// The answer of the last bulk move, shown above the list it changed.
let bulkAnswer = null;

export async function proposalList(top, signIn) {
  const params = new URLSearchParams(location.search);
  const filters = new URLSearchParams();
  for (const k of FILTERS) if (params.get(k)) filters.set(k, params.get(k));
  if (paging.key !== filters.toString()) paging = { key: filters.toString(), before: [], cursor: "" };
  rememberList("/staff" + (filters.toString() ? "?" + filters : ""));
  const query = new URLSearchParams(filters);
  query.set("limit", String(PAGE));
  if (paging.cursor) query.set("cursor", paging.cursor);
  const [r, bodies] = await Promise.all([api("GET", "/api/v1/proposals?" + query), api("GET", "/api/v1/bodies?limit=100")]);
  if (r.status === 401) return signIn();
  const items = r.ok ? r.data.items : [];
  const apply = (next) => {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v) qs.set(k, v);
    history.replaceState(null, "", "/staff" + (qs.toString() ? "?" + qs : ""));
    bulkAnswer = null;
    proposalList(top, signIn);
  };

  // The filters: a search box, then one row of choices; each change applies at once.
  const current = Object.fromEntries(FILTERS.map((k) => [k, filters.get(k) || ""]));
  const field = (id, label, control) => h("div", { class: "field" }, h("label", { for: id }, label), control);
  const choose = (id, key, options, all) => {
    const sel = h("select", { id, "data-testid": id, onchange: () => apply({ ...current, [key]: sel.value }) },
      all ? h("option", { value: "" }, all) : null, ...options.map(([v, text]) => h("option", { value: v }, text)));
    sel.value = current[key] || (all ? "" : options[0][0]);
    return sel;
  };
  const q = h("input", { id: "desk-q", type: "search", value: current.q, "data-testid": "desk-search", placeholder: t("ui.desk_search_hint") });
  q.addEventListener("keydown", (e) => { if (e.key === "Enter") apply({ ...current, q: q.value.trim() }); });
  const due = h("input", { id: "desk-due", type: "date", value: current.due_before, "data-testid": "desk-due-before",
    onchange: () => apply({ ...current, due_before: due.value }) });
  const overdue = h("input", { id: "desk-overdue", type: "checkbox", "data-testid": "desk-overdue",
    onchange: () => apply({ ...current, overdue: overdue.checked ? "true" : "" }) });
  overdue.checked = current.overdue === "true";
  const filterForm = h("div", { role: "search", class: "desk-filters", "aria-label": t("ui.desk_filters") },
    h("div", { class: "row search" }, field("desk-q", t("ui.desk_search"), q),
      h("button", { class: "big primary", "data-testid": "desk-search-go", onclick: () => apply({ ...current, q: q.value.trim() }) }, t("ui.desk_search_go"))),
    h("div", { class: "filters" },
      field("desk-body", t("ui.desk_body"), choose("desk-body", "body_id", (bodies.ok ? bodies.data.items : []).map((b) => [b.id, b.name]), t("ui.desk_all"))),
      field("desk-stage", t("ui.desk_stage"), choose("desk-stage", "stage", state.meta.stages.map((s) => [s, t("stage." + s)]), t("ui.desk_all"))),
      field("desk-category", t("ui.desk_category"), choose("desk-category", "category", state.meta.categories.map((c) => [c, t("category." + c)]), t("ui.desk_all"))),
      field("desk-due", t("ui.desk_due_before"), due),
      field("desk-sort", t("ui.desk_order"), choose("desk-sort", "sort", state.meta.proposal_sorts.map((s) => [s, t("ui.desk_sort." + s)]))),
      h("div", { class: "check field" }, overdue, h("label", { for: "desk-overdue" }, t("ui.desk_overdue_only"))),
      FILTERS.some((k) => current[k]) ? h("button", { class: "big", "data-testid": "desk-clear", onclick: () => apply({}) }, t("ui.desk_clear")) : null));

  // The count, and where this page stands in it.
  const total = r.ok ? r.data.total : 0;
  const from = paging.before.length * PAGE;
  const count = h("p", { class: "count-line", role: "status", "data-testid": "desk-count" },
    !r.ok ? "" : total === 0 ? t("ui.desk_none") : t("ui.desk_count", { Total: total, From: from + 1, To: from + items.length }));

  // Bulk moves: the ticked proposals, one stage, one note; the server answers per proposal.
  const picked = new Set();
  const moveBtn = h("button", { class: "big primary", "data-testid": "bulk-move", disabled: true }, t("ui.desk_bulk_move", { Count: 0 }));
  const refresh = () => {
    bulk.hidden = picked.size === 0; // the bar appears once something is ticked
    moveBtn.disabled = picked.size === 0;
    moveBtn.textContent = t("ui.desk_bulk_move", { Count: picked.size });
  };
  const targets = state.meta.stages.filter((s) => s !== "needs" && s !== "decision");
  const to = h("select", { id: "bulk-to", "data-testid": "bulk-to" }, ...targets.map((s) => h("option", { value: s }, t("stage." + s))));
  const bulkNote = h("input", { id: "bulk-note", maxlength: state.meta.limits.note.max, "data-testid": "bulk-note" });
  const titles = Object.fromEntries(items.map((p) => [p.id, p.title]));
  moveBtn.addEventListener("click", async () => {
    const res = await api("POST", "/api/v1/proposals/bulk/stage", { ids: [...picked], to: to.value, note: bulkNote.value });
    if (!res.ok) {
      bulkAnswer = { error: res.error };
    } else {
      bulkAnswer = { to: to.value, moved: res.data.moved, failed: res.data.failed,
        items: res.data.items.map((it) => ({ ...it, title: titles[it.id] || it.id })) };
    }
    proposalList(top, signIn);
  });
  const bulk = h("div", { class: "bulk row", role: "group", "aria-label": t("ui.desk_bulk"), hidden: true },
    h("div", { class: "field" }, h("label", { for: "bulk-to" }, t("ui.desk_bulk_to")), to),
    h("div", { class: "field grow" }, h("label", { for: "bulk-note" }, t("ui.note")), bulkNote), moveBtn);

  const pickBox = (p) => {
    const box = h("input", { type: "checkbox", id: "pick-" + p.id, "data-testid": "pick", "aria-label": t("ui.desk_pick", { Title: p.title }),
      onchange: () => { box.checked ? picked.add(p.id) : picked.delete(p.id); refresh(); } });
    return h("label", { class: "pick", for: "pick-" + p.id }, box);
  };
  const all = h("input", { type: "checkbox", id: "pick-all", "data-testid": "pick-all", "aria-label": t("ui.desk_pick_all"),
    onchange: () => {
      for (const box of document.querySelectorAll('[data-testid="pick"]')) {
        box.checked = all.checked;
        box.dispatchEvent(new Event("change"));
      }
    } });
  const rows = items.map((p) => {
    const d = deadline(p);
    const label = (key) => ({ "data-label": t(key) });
    return h("tr", { "data-testid": "desk-row", "data-id": p.id, class: d.kind === "late" ? "late" : "" },
      h("td", { class: "pick-cell" }, pickBox(p)),
      h("td", label("ui.desk_col_proposal"),
        link(`/staff/proposals/${p.id}`, p.title, { "data-testid": "staff-proposal" }),
        h("span", { class: "meta" }, p.body.name, " · ", p.author ? p.author.nickname : t("ui.anonymous_participant"),
          p.visibility === "pending" ? " · " + t("ui.waiting_review") : "")),
      h("td", label("ui.desk_col_stage"), t("stage." + p.stage)),
      h("td", { ...label("ui.desk_col_supports"), class: "num" }, String(p.support_count)),
      h("td", label("ui.desk_col_due"), day(p.response_due_at) || "—"),
      h("td", { ...label("ui.desk_col_left"), class: "left" }, d.text ? h("span", { class: "due " + d.kind, "data-testid": "days-left" }, d.text) : "—"));
  });
  const table = h("div", { class: "table-wrap" }, h("table", { class: "grid desk", "data-testid": "desk-table" },
    h("caption", { class: "visually-hidden" }, t("ui.desk_proposals")),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col", class: "pick-cell" }, h("label", { class: "pick", for: "pick-all" }, all)),
      h("th", { scope: "col" }, t("ui.desk_col_proposal")), h("th", { scope: "col" }, t("ui.desk_col_stage")),
      h("th", { scope: "col", class: "num" }, t("ui.desk_col_supports")), h("th", { scope: "col" }, t("ui.desk_col_due")),
      h("th", { scope: "col" }, t("ui.desk_col_left")))),
    h("tbody", {}, ...rows)));

  const pager = h("div", { class: "row pager" },
    paging.before.length ? h("button", { class: "big", "data-testid": "page-prev",
      onclick: () => { paging.cursor = paging.before.pop(); proposalList(top, signIn); } }, "← " + t("ui.desk_prev")) : null,
    r.ok && r.data.next_cursor ? h("button", { class: "big", "data-testid": "page-next",
      onclick: () => { paging.before.push(paging.cursor); paging.cursor = r.data.next_cursor; proposalList(top, signIn); } }, t("ui.desk_next") + " →") : null);

  mount(top(), h("main", { class: "wide" }, h("h1", {}, t("ui.desk_proposals")), confirmation(),
    filterForm, r.ok ? null : errorNotes(r.error), bulkResult(), count,
    items.length ? [h("p", { class: "meta" }, t("ui.desk_bulk_hint")), bulk, table, pager] : null));
}

/** bulkResult says what became of each proposal of the last bulk move. */
function bulkResult() {
  if (!bulkAnswer) return null;
  const a = bulkAnswer;
  bulkAnswer = null;
  if (a.error) return h("div", { role: "alert" }, ...errorNotes(a.error));
  return h("div", { class: "card", role: "status", "data-testid": "bulk-result" },
    h("p", {}, h("strong", {}, t("ui.desk_bulk_done", { Moved: a.moved, Failed: a.failed, Stage: t("stage." + a.to) }))),
    h("ul", {}, ...a.items.map((it) => h("li", { "data-testid": "bulk-item", "data-status": String(it.status) },
      it.status === 200 ? note(`${it.title}: ${t("ui.desk_moved_to", { Stage: t("stage." + it.stage) })}`, "ok")
        : note(`${it.title}: ${it.error.message}${Object.values(it.error.fields || {}).map((m) => " " + m).join("")}`, "error")))));
}

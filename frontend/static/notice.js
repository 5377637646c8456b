// The public notice (公示): a region's board, a proposal's page and its printable A4 notice, for
// anyone to read without signing in. Everything comes from the public API, which holds nothing
// personal; a child shows as nickname and age only where the guardian allowed it.
import { state, t, h, api, mount, note, langSwitch, readAloud, navigate, route, start, qrCode } from "./shell.js";
import { stageBadge, stepper, evaluationResults } from "./proposal-view.js";

const PUB = "/api/v1/public";
const PAGE = 10; // proposals per part of the board before "show more"

/** link is an ordinary link (it opens in a new tab, it can be copied) that moves within the
 * notice pages without reloading them. */
function link(href, attrs, ...children) {
  return h("a", {
    ...attrs, href,
    onclick: (e) => {
      if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      navigate(href);
    },
  }, ...children);
}

/** withLang keeps the page's language in its address, so a shared link opens as it was read. */
function withLang(path) {
  if (state.lang === "zh-CN") return path;
  return path + (path.includes("?") ? "&" : "?") + "lang=" + encodeURIComponent(state.lang);
}

/** relang redraws the page in the language just chosen, with the address saying so. */
function relang() {
  const u = new URL(location.href);
  if (state.lang === "zh-CN") u.searchParams.delete("lang");
  else u.searchParams.set("lang", state.lang);
  history.replaceState(null, "", u);
  route();
}

function top(extra) {
  return h("header", { class: "top" + (extra ? " " + extra : "") },
    link(withLang("/notice"), { class: "brand" }, t("ui.app_name"), " · ", t("ui.public_board")),
    h("span", { class: "spacer" }), langSwitch(relang));
}

function title(text) {
  document.title = text + " · " + t("ui.app_name");
}

/** who is a child as the public sees them: nickname and age where the guardian allowed it, else
 * the words the server put there ("一位同学"). */
function who(a) {
  if (!a) return t("ui.anonymous_participant");
  return a.age !== null && a.age !== undefined ? t("ui.by_child", { Nickname: a.nickname, Age: a.age }) : a.nickname;
}

/** day writes a timestamp, or a local date (YYYY-MM-DD) as the API gives one, as a date in
 * words of the page's language, so that every date on a page reads alike. */
function day(v) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const d = m ? new Date(+m[1], +m[2] - 1, +m[3]) : new Date(v);
  return new Intl.DateTimeFormat(state.lang, { dateStyle: "long" }).format(d);
}

/** noticeLeft says how long a decision stays on notice: days left, the last day, or ended. */
function noticeLeft(p) {
  if (!p.decision) return null;
  const n = p.notice_days_left;
  if (n === null || n === undefined) return h("span", { class: "badge ended" }, t("ui.public_notice_ended", { Date: day(p.decision.notice_until) }));
  return h("span", { class: "badge open", "data-testid": "days-left" }, n === 0 ? t("ui.public_last_day") : n === 1 ? t("ui.public_one_day_left") : t("ui.public_days_left", { Days: n }));
}

function notFound() {
  title(t("ui.public_not_found_title"));
  mount(top(), h("main", { class: "narrow" }, h("h1", {}, t("ui.public_not_found_title")), note(t("ui.public_not_found"), "error"),
    link(withLang("/notice"), { class: "button" }, "← ", t("ui.public_back_board"))));
}

// ——— the board ———

/** card is one proposal on the board: its title as a link to its page, where it comes from,
 * and the decision in a sentence where there is one. */
function card(it, level) {
  const d = it.decision;
  return h("li", {}, h("article", { class: "card notice-card", "data-testid": "notice-card" },
    h(level, { class: "card-title" }, link(withLang(`/notice/proposals/${it.id}`), {}, it.title)),
    h("p", { class: "meta" }, stageBadge(it.stage)),
    h("p", { class: "meta" }, it.body.name, " · ", who(it.author), " · ", t("category." + it.category)),
    d ? h("p", {}, t("ui.public_outcome_summary", { Outcome: t("outcome." + d.outcome), Summary: d.child_summary })) : null,
    d ? h("p", {}, noticeLeft(it)) : null,
    !d && it.stage === "closed" ? h("p", {}, it.closed_reason === "merged" ? t("ui.public_merged") : t("closed." + (it.closed_reason || "completed"))) : null,
    !d && it.stage !== "closed" ? h("p", { class: "meta" }, t("ui.supports", { Count: it.support_count })) : null));
}

/** part is one part of the board, loaded page by page ("show more" adds the next page and moves
 * focus to its first proposal). It resolves to null when the part has nothing to show, and to
 * {unknown: true} when the address names a region, body or stage that is not there. */
async function part(heading, level, params) {
  const q = new URLSearchParams(params);
  q.set("limit", PAGE);
  const r = await api("GET", `${PUB}/proposals?${q}`);
  if (r.status === 404 || r.status === 400) return { unknown: true }; // a region or body that is not there
  if (!r.ok) return note(r.error ? r.error.message : t("ui.offline"), "error");
  if (!r.data.items.length) return null;
  const list = h("ul", { class: "cards" }, ...r.data.items.map((it) => card(it, level)));
  const more = h("div", {});
  const showMore = (cursor) => {
    if (!cursor) return more.replaceChildren();
    more.replaceChildren(h("button", {
      class: "big", "data-testid": "show-more",
      onclick: async () => {
        q.set("cursor", cursor);
        const next = await api("GET", `${PUB}/proposals?${q}`);
        if (!next.ok) return more.replaceChildren(note(next.error ? next.error.message : t("ui.offline"), "error"));
        const cards = next.data.items.map((it) => card(it, level));
        list.append(...cards);
        const first = cards[0] && cards[0].querySelector("a");
        if (first) first.focus();
        showMore(next.data.next_cursor);
      },
    }, t("ui.public_more")));
  };
  showMore(r.data.next_cursor);
  return h("div", { class: "part" }, heading, list, more);
}

/** regionNav moves up and down the region tree: the board of a region includes its sub-regions. */
function regionNav(b) {
  const links = [];
  if (b.region) {
    links.push(b.parent
      ? link(withLang(`/notice?region_id=${b.parent.id}`), { class: "button" }, "↑ ", b.parent.name)
      : link(withLang("/notice"), { class: "button" }, "↑ ", t("ui.public_all_regions")));
  }
  links.push(...b.subregions.map((r) => link(withLang(`/notice?region_id=${r.id}`), { class: "button" }, r.name)));
  if (!links.length) return null;
  return h("nav", { class: "regions", "aria-labelledby": "regions-label" }, h("span", { id: "regions-label" }, t("ui.public_regions")), ...links);
}

/** filters narrow the board to one body or one stage; the choice goes into the address. */
function filters(b, region, body, stage) {
  const bodySel = h("select", { id: "filter-body", name: "body_id", "data-testid": "filter-body" },
    h("option", { value: "" }, t("ui.public_all_bodies")),
    ...b.bodies.map((x) => h("option", { value: x.id, selected: x.id === body }, x.name)));
  const stageSel = h("select", { id: "filter-stage", name: "stage", "data-testid": "filter-stage" },
    h("option", { value: "" }, t("ui.public_all_stages")),
    ...state.meta.stages.map((s) => h("option", { value: s, selected: s === stage }, t("stage." + s))));
  return h("form", {
    class: "filters", role: "search", "aria-label": t("ui.public_filters"),
    onsubmit: (e) => {
      e.preventDefault();
      const q = new URLSearchParams();
      if (region) q.set("region_id", region);
      if (bodySel.value) q.set("body_id", bodySel.value);
      if (stageSel.value) q.set("stage", stageSel.value);
      navigate(withLang("/notice" + (q.size ? "?" + q : "")));
    },
  },
  h("div", {}, h("label", { for: "filter-body" }, t("ui.public_filter_body")), bodySel),
  h("div", {}, h("label", { for: "filter-stage" }, t("ui.public_filter_stage")), stageSel),
  h("button", { type: "submit", class: "big primary", "data-testid": "filter-apply" }, t("ui.public_show")));
}

async function board() {
  const q = new URLSearchParams(location.search);
  const region = q.get("region_id") || "";
  const body = q.get("body_id") || "";
  const stage = q.get("stage") || "";
  const common = {};
  if (region) common.region_id = region;
  if (body) common.body_id = body;
  const progress = ["needs", "design"];
  // A stage chosen in the filter rules out the parts it cannot be in. The board's description
  // and its parts load at once.
  const decidedPart = !progress.includes(stage);
  const [b, ...parts] = await Promise.all([
    api("GET", `${PUB}/board` + (region ? `?region_id=${encodeURIComponent(region)}` : "")),
    decidedPart ? part(h("h2", {}, t("ui.public_in_notice")), "h3", { ...common, section: "notice", ...(stage && { stage }) }) : null,
    decidedPart ? part(h("h2", {}, t("ui.public_results")), "h3", { ...common, section: "results", ...(stage && { stage }) }) : null,
    ...progress.filter((s) => !stage || s === stage).map((s) =>
      part(h("h3", { class: "group-title", "data-stage": s }, stageBadge(s)), "h4", { ...common, section: "progress", stage: s })),
  ]);
  if (b.status === 404 || b.status === 400 || parts.some((x) => x && x.unknown)) return notFound();
  if (!b.ok) return mount(top(), h("main", {}, h("h1", {}, t("ui.public_board")), note(t("ui.offline"), "error")));
  const name = b.data.region ? t("ui.public_board_of", { Region: b.data.region.name }) : t("ui.public_board");
  title(name);
  const [notice, results, ...inProgress] = parts;
  const shownProgress = inProgress.filter(Boolean);
  const feed = `${PUB}/feed.atom` + (region ? `?region_id=${encodeURIComponent(region)}` : "");
  mount(top(), h("main", {},
    h("h1", {}, name),
    h("p", { class: "lead" }, b.data.region ? t("ui.public_board_intro_of", { Region: b.data.region.name }) : t("ui.public_board_intro")),
    regionNav(b.data),
    filters(b.data, region, body, stage),
    notice || results || shownProgress.length ? null : note(t("ui.public_none")),
    notice ? h("section", { "data-testid": "part-notice" }, notice) : null,
    results ? h("section", { "data-testid": "part-results" }, results) : null,
    shownProgress.length ? h("section", { "data-testid": "part-progress" }, h("h2", {}, t("ui.public_in_progress")), ...shownProgress) : null,
    h("p", {}, h("a", { href: feed, type: "application/atom+xml" }, t("ui.public_feed")))));
}

// ——— one proposal ———

/** decisionFacts lists a decision's dates and who carries it out, for the page and the sheet. */
function decisionFacts(p) {
  const d = p.decision;
  const row = (label, value) => (value ? [h("dt", {}, label), h("dd", {}, value)] : []);
  return h("dl", { class: "facts" },
    ...row(t("ui.responsible"), d.responsible_unit),
    ...row(t("ui.planned_completion"), d.planned_completion && day(d.planned_completion)),
    ...row(t("ui.public_decided_on"), day(d.decided_at)),
    ...row(t("ui.public_notice_period"), t("ui.public_notice_range", { From: day(d.decided_at), To: day(d.notice_until) })));
}

/** results shows the votes of each design option once voting has closed. */
function voteResults(res) {
  if (!res || !res.options || !res.options.length) return null;
  const total = res.total || 0;
  return h("section", { class: "card", "data-testid": "vote-results" }, h("h2", {}, t("ui.public_vote_results")),
    h("ul", { class: "bars" }, ...res.options.map((o) => {
      const pct = total ? Math.round((o.votes / total) * 100) : 0;
      const fill = h("span", {});
      fill.style.width = pct + "%"; // set through the DOM: the page's policy allows no inline style
      return h("li", {}, h("span", {}, o.title, " · ", t("ui.votes", { Count: o.votes }), ` (${pct}%)`),
        h("span", { class: "bar", "aria-hidden": "true" }, fill));
    })),
    h("p", { class: "meta" }, t("ui.public_votes_total", { Count: total })));
}

function closedNote(p) {
  if (p.stage !== "closed") return null;
  const why = p.closed_reason || "completed";
  return h("section", { class: "card", "data-testid": "closed-note" }, h("p", {}, t("closed." + why)),
    why === "merged" && p.merged_into ? link(withLang(`/notice/proposals/${p.merged_into}`), { class: "button" }, "→ ", t("ui.the_other_proposal")) : null);
}

async function proposal(id) {
  const r = await api("GET", `${PUB}/proposals/${encodeURIComponent(id)}`);
  if (!r.ok) return notFound();
  const p = r.data;
  title(p.title);
  const d = p.decision;
  mount(top(), h("main", {},
    link(withLang("/notice"), { class: "button ghost-link" }, "← ", t("ui.public_back_board")),
    h("h1", {}, p.title),
    stepper(p),
    h("p", { class: "meta" }, p.body.name, " · ", who(p.author), " · ", t("category." + p.category), " · ",
      t("ui.public_proposed_on", { Date: day(p.created_at) })),
    h("section", { class: "card", "data-testid": "children-words" }, h("h2", {}, t("ui.public_proposal")),
      p.description ? h("p", { class: "description" }, p.description) : null,
      h("p", { class: "meta" }, t("ui.supports", { Count: p.support_count }))),
    d ? h("section", { class: "card decision", "data-testid": "decision" },
      h("h2", {}, t("ui.decision"), " · ", t("outcome." + d.outcome)),
      h("p", { class: "summary" }, d.child_summary),
      h("p", {}, noticeLeft(p)),
      decisionFacts(p),
      d.details ? [h("h3", {}, t("ui.public_details")), h("p", { class: "details" }, d.details)] : null) : null,
    voteResults(p.results),
    evaluationResults(p),
    closedNote(p),
    h("section", {}, h("h2", {}, t("ui.timeline")),
      h("ol", { class: "timeline" }, ...p.timeline.map((e) => h("li", {},
        h("strong", {}, t("stage." + e.to)), " · ", day(e.at), e.note ? h("p", {}, e.note) : null)))),
    h("div", { class: "row" },
      link(withLang(`/notice/proposals/${p.id}/print`), { class: "button big", "data-testid": "print-link" }, t("ui.public_print")),
      readAloud(() => [p.title, p.description, d ? d.child_summary : ""].filter(Boolean).join("。")))));
}

// ——— the printed notice ———

/** clip shortens a long text for the sheet, so that the longest decision still fits one A4
 * page; the QR code leads to all of it. */
function clip(text, max) {
  const chars = [...(text || "")];
  return chars.length > max ? chars.slice(0, max - 1).join("") + "…" : text;
}

async function sheet(id) {
  const [r, code] = await Promise.all([
    api("GET", `${PUB}/proposals/${encodeURIComponent(id)}`),
    api("GET", `${PUB}/proposals/${encodeURIComponent(id)}/qr`),
  ]);
  if (!r.ok || !code.ok) return notFound();
  const p = r.data;
  const d = p.decision;
  title(t("ui.public_sheet_of", { Title: p.title }));
  mount(h("header", { class: "top noprint" },
    link(withLang(`/notice/proposals/${p.id}`), { class: "button" }, "← ", t("ui.back")),
    h("span", { class: "spacer" }),
    h("button", { class: "primary", "data-testid": "print", onclick: () => window.print() }, t("ui.print")),
    langSwitch(relang)),
  h("main", { class: "sheet", "data-testid": "sheet" },
    h("p", { class: "sheet-from" }, p.body.name),
    h("h1", {}, d ? t("ui.public_sheet_decision") : t("ui.public_sheet_proposal")),
    h("h2", { class: "sheet-title" }, p.title),
    h("p", { class: "meta" }, who(p.author), " · ", t("category." + p.category), " · ", t("ui.public_proposed_on", { Date: day(p.created_at) }),
      " · ", t("stage." + p.stage)),
    p.description ? h("p", { class: "sheet-words" }, clip(p.description, 100)) : null,
    d ? h("section", { class: "sheet-decision" },
      h("h2", {}, t("ui.decision"), " · ", t("outcome." + d.outcome)),
      h("p", { class: "summary" }, d.child_summary),
      decisionFacts(p),
      d.details ? h("p", { class: "details" }, clip(d.details, 120)) : null) : null,
    h("footer", { class: "sheet-foot" },
      qrCode(code.data.qr, t("ui.public_qr_label"), "sheet-qr"),
      h("div", {}, h("p", {}, t("ui.public_scan")), h("p", { class: "url", "data-testid": "sheet-url" }, code.data.url),
        h("p", { class: "meta" }, t("ui.public_printed_on", { Date: day(new Date()) }))))));
}

// ——— routing ———

function show(path) {
  const m = path.match(/^\/notice\/proposals\/([^/]+)(\/print)?\/?$/);
  if (m) return m[2] ? sheet(decodeURIComponent(m[1])) : proposal(decodeURIComponent(m[1]));
  if (path === "/notice" || path === "/notice/") return board();
  return notFound();
}

start((path) => path === "/notice" || path.startsWith("/notice/") || path.startsWith("/notice?"), show);

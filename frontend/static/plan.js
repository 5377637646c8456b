// The desk's meetings and plan: record a body's meeting with attendance as counts, enter the
// show-of-hands or paper result of a session beside the tablet votes, log an activity, training
// or study, set a region's yearly targets from a plan's preset, and the monitoring dashboard with
// its CSV export and a printable page for the annual report. Counts, never names: a split shows
// "<5" for any count from 1 to 4, as the server sends it.
// The staff desk passes its header (top) and its sign-in screen; this module imports only the shell.
import { state, t, h, api, navigate, mount, note, limit } from "./shell.js";

let desk = { top: () => null, signIn: () => {} };

/** planDesk shows the screen of a /staff/plan… address. */
export function planDesk(path, pages) {
  desk = pages;
  const [, , , screen, id] = path.split("/");
  const q = new URLSearchParams(location.search);
  if (screen === "meeting") return meetingForm(q.get("body"));
  if (screen === "hands") return handsForm(id);
  if (screen === "raise") return raiseForm(id, q.get("body"));
  if (screen === "sexes") return sexesForm(q.get("body"));
  if (screen === "activity") return activityForm();
  if (screen === "targets") return targetsForm(q.get("region"), q.get("year"));
  if (screen === "dashboard") return dashboard(q.get("region"), q.get("year"), false);
  if (screen === "print") return dashboard(q.get("region"), q.get("year"), true);
  return home();
}

const monitors = () => ["committee", "admin"].includes(state.me.role);
const thisYear = () => String(new Date().getFullYear());
const today = () => new Date().toLocaleDateString("sv-SE"); // YYYY-MM-DD in the device's zone

/** link is an in-app link that keeps the page (no reload). */
function link(href, text, attrs = {}) {
  return h("a", { href, ...attrs, onclick: (e) => { e.preventDefault(); navigate(href); } }, text);
}

/** screen mounts the desk's header and a main with a back link and a heading. */
function screen(titleKey, ...parts) {
  mount(desk.top(), h("main", {}, link("/staff/plan", "← " + t("plan.title"), { class: "noprint" }), h("h1", {}, t(titleKey)), ...parts));
}

/** failed shows an answer's message and its field messages. */
function failed(out, r) {
  out.replaceChildren(note(r.error ? r.error.message : t("ui.offline"), "error"),
    ...Object.entries((r.error && r.error.fields) || {}).map(([, m]) => note(m, "error")));
}

/** count is a labelled number input for a count of people or votes. */
function count(id, labelKey, max, testid) {
  const input = h("input", { id, type: "number", min: "0", max: String(max), inputmode: "numeric", value: "0", "data-testid": testid || id });
  return { input, nodes: [h("label", { for: id }, t(labelKey)), input] };
}

/** report is a table with column headings; on a phone its rows stack and each cell says its
 * heading (data-label), so nothing is squeezed into narrow columns. */
function report(testid, headKeys, rows) {
  const heads = headKeys.map((k) => t(k));
  return h("table", { class: "grid report", "data-testid": testid },
    h("thead", {}, h("tr", {}, ...heads.map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, ...rows.map(({ attrs, cells }) => h("tr", attrs || {}, ...cells.map((c, i) => {
      const [content, cellAttrs] = Array.isArray(c) ? c : [c, {}];
      return h("td", { "data-label": heads[i], ...cellAttrs }, content);
    })))));
}

function field(id, labelKey, input) {
  input.id = id;
  return [h("label", { for: id }, t(labelKey)), input];
}

async function home() {
  const r = await api("GET", `/api/v1/activities?year=${thisYear()}&limit=100`);
  if (r.status === 401) return desk.signIn();
  const items = r.ok ? r.data.items : [];
  const card = (href, key, explain, testid) => h("li", {}, h("a", { href, class: "card link", "data-testid": testid, onclick: (e) => { e.preventDefault(); navigate(href); } },
    h("strong", {}, t(key)), h("span", { class: "meta" }, t(explain))));
  mount(desk.top(), h("main", {}, h("h1", {}, t("plan.title")), h("p", { class: "meta" }, t("plan.counts_not_names")),
    h("ul", { class: "cards" },
      card("/staff/plan/meeting", "plan.record_meeting", "plan.record_meeting_explained", "plan-meeting"),
      card("/staff/plan/hands", "plan.hands", "plan.hands_explained", "plan-hands"),
      card("/staff/plan/activity", "plan.log_activity", "plan.log_activity_explained", "plan-activity"),
      card("/staff/plan/sexes", "plan.sexes", "plan.sexes_explained", "plan-sexes"),
      monitors() ? card("/staff/plan/targets", "plan.targets", "plan.targets_explained", "plan-targets") : null,
      monitors() ? card("/staff/plan/dashboard", "plan.dashboard", "plan.dashboard_explained", "plan-dashboard") : null),
    h("h2", {}, t("plan.this_year_activities", { Year: thisYear() })),
    items.length ? activityTable(items) : h("p", { class: "meta" }, t("plan.none_yet"))));
}

function activityTable(items) {
  return h("table", { class: "grid", "data-testid": "activities" }, h("tbody", {}, ...items.map((a) => h("tr", {},
    h("td", {}, a.held_on), h("td", {}, t("activity_kind." + a.kind)), h("td", {}, a.title), h("td", {}, a.region_name),
    h("td", {}, t("plan.participants_line", { Girls: a.participants.girls, Boys: a.participants.boys, Staff: a.participants.staff }))))));
}

// Meetings.

async function meetingForm(bodyID) {
  const bodies = await api("GET", "/api/v1/bodies?limit=100");
  if (bodies.status === 401) return desk.signIn();
  const list = bodies.ok ? bodies.data.items : [];
  const body = list.find((b) => b.id === bodyID) || list[0];
  if (!body) return screen("plan.record_meeting", note(t("ui.no_bodies")));
  const [props, meetings] = await Promise.all([api("GET", `/api/v1/proposals?body_id=${body.id}&limit=100`), api("GET", `/api/v1/bodies/${body.id}/meetings?limit=20`)]);
  const open = (props.ok ? props.data.items : []).filter((p) => p.visibility === "published" && p.stage !== "closed");
  const bodySelect = h("select", { "data-testid": "meeting-body", onchange: (e) => navigate(`/staff/plan/meeting?body=${e.target.value}`) },
    ...list.map((b) => h("option", { value: b.id, selected: b.id === body.id }, b.name)));
  const heldOn = h("input", { type: "date", value: today(), max: today(), "data-testid": "meeting-date" });
  const place = h("input", { maxlength: limit("place").max, value: body.venue || "", "data-testid": "meeting-place" });
  const agenda = open.map((p, i) => {
    const box = h("input", { type: "checkbox", id: "agenda-" + i, value: p.id, "data-testid": "agenda-proposal" });
    return { box, node: h("div", { class: "check" }, box, h("label", { for: "agenda-" + i }, p.title, " · ", t("stage." + p.stage))) };
  });
  const free = h("textarea", { rows: "3", "data-testid": "meeting-free-items" });
  const max = limit("attendance").max;
  const girls = count("att-girls", "plan.girls", max, "att-girls"), boys = count("att-boys", "plan.boys", max, "att-boys");
  const staff = count("att-staff", "plan.staff", max, "att-staff"), guests = count("att-guests", "plan.guests", max, "att-guests");
  const minutes = h("textarea", { rows: "5", maxlength: limit("minutes").max, "data-testid": "meeting-minutes" });
  const out = h("div", { "aria-live": "polite" });
  const save = async () => {
    const items = [...agenda.filter((a) => a.box.checked).map((a) => ({ proposal_id: a.box.value })),
      ...free.value.split("\n").map((s) => s.trim()).filter(Boolean).map((title) => ({ title }))];
    const r = await api("POST", `/api/v1/bodies/${body.id}/meetings`, {
      held_on: heldOn.value, place: place.value, agenda: items, minutes: minutes.value,
      attendance: { girls: Number(girls.input.value), boys: Number(boys.input.value), staff: Number(staff.input.value), guests: Number(guests.input.value) },
    });
    if (!r.ok) return failed(out, r);
    meetingForm(body.id).then(() => {
      const done = document.querySelector("[data-testid=meeting-saved]");
      if (done) done.replaceChildren(note(r.data.minutes_held ? t("plan.meeting_held") : t("plan.meeting_saved"), r.data.minutes_held ? "warn" : "ok"));
    });
  };
  const past = meetings.ok ? meetings.data.items : [];
  screen("plan.record_meeting",
    h("div", { "data-testid": "meeting-saved", "aria-live": "polite" }),
    h("section", { class: "card" },
      ...field("meeting-body", "plan.body", bodySelect), ...field("meeting-date", "plan.held_on", heldOn), ...field("meeting-place", "plan.place", place),
      h("fieldset", { class: "inspect-item" }, h("legend", {}, t("plan.agenda")),
        agenda.length ? agenda.map((a) => a.node) : h("p", { class: "meta" }, t("plan.no_open_proposals")),
        ...field("meeting-free", "plan.free_items", free)),
      h("fieldset", { class: "inspect-item" }, h("legend", {}, t("plan.attendance")), h("p", { class: "meta" }, t("plan.counts_not_names")),
        h("div", { class: "row equal" }, h("div", {}, ...girls.nodes), h("div", {}, ...boys.nodes), h("div", {}, ...staff.nodes), h("div", {}, ...guests.nodes))),
      ...field("meeting-minutes", "plan.minutes", minutes), h("p", { class: "meta" }, t("plan.minutes_screened")),
      out, h("button", { class: "big primary", "data-testid": "save-meeting", onclick: save }, t("plan.save_meeting"))),
    h("h2", {}, t("plan.past_meetings")),
    past.length ? h("table", { class: "grid", "data-testid": "meetings" }, h("tbody", {}, ...past.map((m) => h("tr", {},
      h("td", {}, m.held_on), h("td", {}, m.place),
      h("td", {}, m.attendance ? t("plan.attendance_line", { Girls: m.attendance.girls, Boys: m.attendance.boys, Staff: m.attendance.staff, Guests: m.attendance.guests }) : ""),
      h("td", {}, m.agenda.map((a) => a.title).join(" · "), m.minutes_held ? h("strong", { class: "late-mark" }, " · ", t("plan.held_mark")) : null),
      h("td", {}, m.attendance && m.attendance.girls + m.attendance.boys > 0
        ? link(`/staff/plan/raise/${m.id}?body=${body.id}`, t("plan.raise"), { class: "button", "data-testid": "raise-proposal" }) : "")))))
      : h("p", { class: "meta" }, t("plan.none_yet")));
}

/** raiseForm enters a proposal a child raised in the meeting, for that child: only children
 * whose guardian consented and who agreed themselves can be chosen; the server checks the same. */
async function raiseForm(meetingID, bodyID) {
  const members = await api("GET", `/api/v1/bodies/${bodyID}/members?limit=100`);
  if (members.status === 401) return desk.signIn();
  const able = (members.ok ? members.data.items : []).filter((x) => x.consent_status === "active" && x.assent === "given");
  const child = h("select", { "data-testid": "raise-child" }, ...able.map((x) => h("option", { value: x.id }, x.nickname)));
  const title = h("input", { maxlength: limit("title").max, "data-testid": "raise-title" });
  const desc = h("textarea", { rows: "3", maxlength: limit("description").max, "data-testid": "raise-description" });
  const cat = h("select", { "data-testid": "raise-category" }, ...state.meta.categories.map((c) => h("option", { value: c }, t("category." + c))));
  const out = h("div", { "aria-live": "polite" });
  const save = async () => {
    const r = await api("POST", `/api/v1/meetings/${meetingID}/proposals`, { child_id: child.value, title: title.value, description: desc.value, category: cat.value });
    if (!r.ok) return failed(out, r);
    out.replaceChildren(note(t("plan.raised", { Title: r.data.title }), "ok"),
      link(`/staff/proposals/${r.data.id}`, t("plan.open_proposal"), { class: "big button" }));
    title.value = desc.value = "";
  };
  screen("plan.raise", h("p", { class: "meta" }, t("plan.raise_explained")),
    able.length ? h("section", { class: "card" },
      ...field("raise-child", "plan.raise_child", child), ...field("raise-title", "ui.proposal_title", title),
      ...field("raise-description", "ui.proposal_description", desc), ...field("raise-category", "plan.category", cat),
      out, h("button", { class: "big primary", "data-testid": "save-raise", onclick: save }, t("plan.save_raise"))) : note(t("plan.no_children_able")),
    link(`/staff/plan/meeting?body=${bodyID}`, "← " + t("plan.record_meeting"), { class: "big button" }));
}

/** sexesForm records each member's sex, asked only for the split statistics; each choice is
 * saved at once and can be cleared. */
async function sexesForm(bodyID) {
  const bodies = await api("GET", "/api/v1/bodies?limit=100");
  if (bodies.status === 401) return desk.signIn();
  const list = bodies.ok ? bodies.data.items : [];
  const body = list.find((b) => b.id === bodyID) || list[0];
  if (!body) return screen("plan.sexes", note(t("ui.no_bodies")));
  const m = await api("GET", `/api/v1/bodies/${body.id}/members?limit=100`);
  const members = (m.ok ? m.data.items : []).filter((x) => x.consent_status !== "withdrawn");
  const out = h("div", { "aria-live": "polite", "data-testid": "sex-saved" });
  const bodySelect = h("select", { onchange: (e) => navigate(`/staff/plan/sexes?body=${e.target.value}`) },
    ...list.map((b) => h("option", { value: b.id, selected: b.id === body.id }, b.name)));
  const row = (x, i) => {
    const sel = h("select", { id: "sex-" + i, "data-testid": "member-sex", "data-child": x.id,
      onchange: async () => {
        const r = await api("PUT", `/api/v1/children/${x.id}/sex`, { sex: sel.value });
        out.replaceChildren(r.ok ? note(t("plan.sex_saved", { Nickname: x.nickname }), "ok") : note(r.error ? r.error.message : t("ui.offline"), "error"));
      } },
    h("option", { value: "" }, t("sex.unspecified")), ...state.meta.sexes.map((v) => h("option", { value: v, selected: x.sex === v }, t("sex." + v))));
    return h("div", {}, h("label", { for: "sex-" + i }, x.nickname || t("ui.anonymous_participant")), sel);
  };
  screen("plan.sexes", h("p", { class: "meta" }, t("plan.sexes_explained")),
    ...field("sexes-body", "plan.body", bodySelect), out,
    members.length ? h("div", { class: "row equal" }, ...members.map(row)) : h("p", { class: "meta" }, t("plan.none_yet")));
}

// Show of hands.

async function handsForm(proposalID) {
  if (!proposalID) {
    const r = await api("GET", "/api/v1/proposals?stage=design&limit=100");
    if (r.status === 401) return desk.signIn();
    const items = r.ok ? r.data.items : [];
    return screen("plan.hands", h("p", { class: "meta" }, t("plan.hands_explained")),
      items.length ? h("ul", { class: "cards" }, ...items.map((p) => h("li", {}, link(`/staff/plan/hands/${p.id}`, `${p.title} · ${p.body.name}`, { class: "card link", "data-testid": "hands-proposal" }))))
        : h("p", { class: "meta" }, t("plan.no_design")));
  }
  const [pr, res] = await Promise.all([api("GET", `/api/v1/proposals/${proposalID}`), api("GET", `/api/v1/proposals/${proposalID}/results`)]);
  if (!pr.ok) return screen("plan.hands", note(pr.error ? pr.error.message : t("ui.offline"), "error"));
  const p = pr.data;
  const meetings = await api("GET", `/api/v1/bodies/${p.body.id}/meetings?limit=20`);
  const results = res.ok ? res.data : { options: [], total: 0, paper_total: 0 };
  const max = limit("paper_votes").max;
  const inputs = results.options.map((o, i) => count("hands-" + i, "plan.votes_for", max, "hands-count"));
  inputs.forEach((c, i) => { c.nodes[0].textContent = t("plan.votes_for", { Option: results.options[i].title }); });
  const meeting = h("select", { "data-testid": "hands-meeting" }, h("option", { value: "" }, t("plan.no_meeting")),
    ...(meetings.ok ? meetings.data.items : []).map((m) => h("option", { value: m.id }, `${m.held_on} · ${m.place}`)));
  const noteIn = h("input", { maxlength: limit("note").max, "data-testid": "hands-note" });
  const out = h("div", { "aria-live": "polite" });
  const save = async () => {
    const r = await api("POST", `/api/v1/proposals/${proposalID}/paper-votes`, {
      meeting_id: meeting.value || undefined, note: noteIn.value,
      counts: results.options.map((o, i) => ({ option_id: o.id, votes: Number(inputs[i].input.value) })),
    });
    if (!r.ok) return failed(out, r);
    await handsForm(proposalID);
    document.querySelector("[data-testid=hands-saved]").replaceChildren(note(t("plan.hands_saved"), "ok"));
  };
  screen("plan.hands", h("p", {}, h("strong", {}, p.title), " · ", p.body.name, " · ", t("stage." + p.stage)),
    h("div", { "data-testid": "hands-saved", "aria-live": "polite" }),
    tallyTable(results),
    (results.paper_entries || []).length ? h("ul", { class: "meta", "data-testid": "hands-entries" }, ...results.paper_entries.map((en) => h("li", {},
      t("plan.entered_line", { By: en.entered_by, At: new Date(en.entered_at).toLocaleString(state.lang), Total: en.total }), en.note ? ` · ${en.note}` : ""))) : null,
    p.stage === "design" ? h("section", { class: "card" }, h("h2", {}, t("plan.enter_hands")), h("p", { class: "meta" }, t("plan.hands_apart")),
      ...field("hands-meeting", "plan.meeting", meeting),
      h("div", { class: "row equal" }, ...inputs.map((c) => h("div", {}, ...c.nodes))),
      ...field("hands-note", "ui.note", noteIn), out,
      h("button", { class: "big primary", "data-testid": "save-hands", onclick: save }, t("plan.save_hands"))) : note(t("plan.hands_only_design")));
}

/** tallyTable shows the tablet votes and the entered results side by side, never added up. */
function tallyTable(r) {
  return report("tally", ["plan.option", "plan.tablet_votes", "plan.hands_votes"], [
    ...r.options.map((o) => ({ cells: [o.title, String(o.votes), String(o.paper_votes)] })),
    { cells: [h("strong", {}, t("plan.total")), String(r.total), String(r.paper_total)] }]);
}

// Activities.

async function activityForm() {
  // Committee staff pick any region of their subtree; a facilitator the region of one of their bodies.
  const regions = monitors() ? await api("GET", "/api/v1/regions?limit=100") : null;
  const bodies = monitors() ? null : await api("GET", "/api/v1/bodies?limit=100");
  if ((regions || bodies).status === 401) return desk.signIn();
  const places = regions ? (regions.ok ? regions.data.items : []).map((r) => ({ id: r.id, name: r.name }))
    : [...new Map((bodies.ok ? bodies.data.items : []).map((b) => [b.region_id, { id: b.region_id, name: t("plan.region_of_body", { Body: b.name }) }])).values()];
  const kind = h("select", { "data-testid": "activity-kind" }, ...state.meta.activity_kinds.map((k) => h("option", { value: k }, t("activity_kind." + k))));
  const title = h("input", { maxlength: limit("activity_title").max, "data-testid": "activity-title" });
  const region = h("select", { "data-testid": "activity-region" }, ...places.map((p) => h("option", { value: p.id }, p.name)));
  const heldOn = h("input", { type: "date", value: today(), max: today(), "data-testid": "activity-date" });
  const organiser = h("input", { maxlength: limit("organiser").max, "data-testid": "activity-organiser" });
  const max = limit("participants").max;
  const girls = count("act-girls", "plan.girls", max), boys = count("act-boys", "plan.boys", max), staff = count("act-staff", "plan.staff", max);
  const props = await api("GET", "/api/v1/proposals?limit=100");
  const linked = h("select", { multiple: true, size: "4", "data-testid": "activity-proposals" },
    ...(props.ok ? props.data.items : []).map((p) => h("option", { value: p.id }, p.title)));
  const out = h("div", { "aria-live": "polite" });
  const save = async () => {
    const r = await api("POST", "/api/v1/activities", {
      kind: kind.value, title: title.value, region_id: region.value, held_on: heldOn.value, organiser: organiser.value,
      participants: { girls: Number(girls.input.value), boys: Number(boys.input.value), staff: Number(staff.input.value) },
      proposal_ids: [...linked.selectedOptions].map((o) => o.value),
    });
    if (!r.ok) return failed(out, r);
    await activityForm();
    document.querySelector("[data-testid=activity-saved]").replaceChildren(note(t("plan.activity_saved", { Title: r.data.title }), "ok"));
  };
  const list = await api("GET", `/api/v1/activities?year=${thisYear()}&limit=100`);
  screen("plan.log_activity", h("div", { "data-testid": "activity-saved", "aria-live": "polite" }),
    h("section", { class: "card" },
      ...field("activity-kind", "plan.kind", kind), ...field("activity-title", "plan.activity_title", title),
      ...field("activity-region", "plan.region", region), ...field("activity-date", "plan.held_on", heldOn),
      ...field("activity-organiser", "plan.organiser", organiser),
      h("fieldset", { class: "inspect-item" }, h("legend", {}, t("plan.participants")), h("p", { class: "meta" }, t("plan.counts_not_names")),
        h("div", { class: "row equal" }, h("div", {}, ...girls.nodes), h("div", {}, ...boys.nodes), h("div", {}, ...staff.nodes))),
      ...field("activity-proposals", "plan.linked_proposals", linked), h("p", { class: "meta" }, t("plan.linked_explained")),
      out, h("button", { class: "big primary", "data-testid": "save-activity", onclick: save }, t("plan.save_activity"))),
    h("h2", {}, t("plan.this_year_activities", { Year: thisYear() })),
    list.ok && list.data.items.length ? activityTable(list.data.items) : h("p", { class: "meta" }, t("plan.none_yet")));
}

// Targets and monitoring.

const isRate = (kind) => state.meta.rate_targets.includes(kind);
const pct = (x) => `${Math.round(x * 100)}%`;
const shown = (kind, v) => (v === null || v === undefined ? "—" : isRate(kind) ? pct(v) : String(v));

/** regionYear is the region and year pickers every monitoring screen starts with. */
async function regionYear(regionID, year, go) {
  const r = await api("GET", "/api/v1/regions?limit=100");
  if (r.status === 401) { desk.signIn(); return null; }
  const regions = r.ok ? r.data.items : [];
  const chosen = regions.find((x) => x.id === regionID) || regions[0];
  const region = h("select", { id: "plan-region", "data-testid": "plan-region" }, ...regions.map((x) => h("option", { value: x.id, selected: chosen && x.id === chosen.id }, x.name)));
  const y = h("input", { id: "plan-year", type: "number", inputmode: "numeric", min: String(limit("plan_year").min), max: String(limit("plan_year").max), value: year || thisYear(), "data-testid": "plan-year" });
  const nodes = h("div", { class: "row equal noprint" },
    h("div", {}, h("label", { for: "plan-region" }, t("plan.region")), region),
    h("div", {}, h("label", { for: "plan-year" }, t("plan.year")), y),
    h("div", {}, h("button", { class: "big", "data-testid": "plan-show", onclick: () => go(region.value, y.value) }, t("plan.show"))));
  return { chosen, year: y.value, nodes };
}

async function targetsForm(regionID, year) {
  const pick = await regionYear(regionID, year, (r, y) => navigate(`/staff/plan/targets?region=${r}&year=${y}`));
  if (!pick) return;
  if (!pick.chosen) return screen("plan.targets", note(t("plan.no_regions")));
  const now = await api("GET", `/api/v1/regions/${pick.chosen.id}/targets/${pick.year}`);
  const set = Object.fromEntries((now.ok ? now.data.items : []).map((i) => [i.kind, i.target]));
  const inputs = Object.fromEntries(state.meta.target_kinds.map((k) => [k, h("input", {
    id: "target-" + k, type: "number", inputmode: "decimal", min: "0", max: isRate(k) ? "100" : String(limit("target_count").max), step: "1",
    value: set[k] === undefined ? "" : isRate(k) ? String(Math.round(set[k] * 100)) : String(set[k]), "data-testid": "target-" + k,
  })]));
  const preset = h("select", { id: "plan-preset", "data-testid": "plan-preset" }, ...state.meta.preset_names.map((p) => h("option", { value: p }, t("preset." + p))));
  const fill = () => {
    for (const k of state.meta.target_kinds) inputs[k].value = "";
    for (const tv of state.meta.target_presets[preset.value]) inputs[tv.kind].value = isRate(tv.kind) ? String(Math.round(tv.value * 100)) : String(tv.value);
  };
  const out = h("div", { "aria-live": "polite" });
  const save = async () => {
    const targets = state.meta.target_kinds.filter((k) => inputs[k].value !== "")
      .map((k) => ({ kind: k, value: isRate(k) ? Number(inputs[k].value) / 100 : Number(inputs[k].value) }));
    const r = await api("PUT", `/api/v1/regions/${pick.chosen.id}/targets/${pick.year}`, { targets });
    if (!r.ok) return failed(out, r);
    navigate(`/staff/plan/dashboard?region=${pick.chosen.id}&year=${pick.year}`);
  };
  screen("plan.targets", pick.nodes,
    h("section", { class: "card" }, h("h2", {}, t("plan.targets_for", { Region: pick.chosen.name, Year: pick.year })),
      h("label", { for: "plan-preset" }, t("plan.preset")), preset,
      h("button", { class: "big", "data-testid": "fill-preset", onclick: fill }, t("plan.fill_preset")),
      h("p", { class: "meta" }, t("plan.preset_explained")),
      ...state.meta.target_kinds.map((k) => [h("label", { for: "target-" + k }, t("target_kind." + k), isRate(k) ? " (%)" : ""), inputs[k]]).flat(),
      out, h("button", { class: "big primary", "data-testid": "save-targets", onclick: save }, t("plan.save_targets"))));
}

async function dashboard(regionID, year, printable) {
  const pick = await regionYear(regionID, year, (r, y) => navigate(`/staff/plan/dashboard?region=${r}&year=${y}`));
  if (!pick) return;
  if (!pick.chosen) return screen("plan.dashboard", note(t("plan.no_regions")));
  const r = await api("GET", `/api/v1/regions/${pick.chosen.id}/targets/${pick.year}`);
  if (!r.ok) return screen("plan.dashboard", pick.nodes, note(r.error ? r.error.message : t("ui.offline"), "error"));
  const m = r.data;
  const track = (i) => i.on_track === null ? t("plan.no_figure") : i.on_track ? t("plan.on_track") : t("plan.behind");
  const body = [
    printable ? null : h("h2", {}, t("plan.targets_for", { Region: m.region_name, Year: m.year })),
    m.items.length ? report("dashboard-targets", ["plan.kind", "plan.target", "plan.figure", "plan.expected", "plan.status", "plan.held_back_by"],
      m.items.map((i) => ({
        attrs: { class: i.on_track === false ? "late" : "", "data-kind": i.kind },
        cells: [t("target_kind." + i.kind), shown(i.kind, i.target), [shown(i.kind, i.actual), { "data-testid": "figure" }], shown(i.kind, i.expected),
          h("strong", { class: i.on_track === false ? "late-mark" : "" }, track(i)), i.held_back_by.map((x) => x.name).join("、")],
      }))) : note(t("plan.no_targets")),
    !printable && monitors() ? h("p", { class: "noprint" }, link(`/staff/plan/targets?region=${m.region_id}&year=${m.year}`, t("plan.set_targets"), { class: "big button", "data-testid": "plan-set-targets" })) : null,
    h("h2", {}, t("plan.coverage")),
    m.townships.length ? report("coverage", ["plan.township", "plan.bodies", "plan.covered"], m.townships.map((tw) => ({
      attrs: { class: tw.bodies ? "" : "late", "data-covered": tw.bodies ? "yes" : "no" },
      cells: [tw.name, String(tw.bodies), tw.bodies ? t("ui.yes") : h("strong", { class: "late-mark" }, t("plan.uncovered"))],
    }))) : h("p", { class: "meta" }, t("plan.no_townships")),
    h("h2", {}, t("plan.figures_of_year")),
    h("dl", { class: "figures wrap" }, ...state.meta.target_kinds.map((k) => [h("dt", {}, t("target_kind." + k)), h("dd", {}, shown(k, m.figures[k]))]).flat(),
      h("dt", {}, t("plan.meetings_held")), h("dd", {}, String(m.meetings.count)),
      h("dt", {}, t("plan.meeting_attendance")), h("dd", {}, t("plan.girls_boys", { Girls: m.meetings.girls, Boys: m.meetings.boys }))),
    h("h2", {}, t("plan.split")), h("p", { class: "meta" }, t("plan.split_explained", { Small: state.meta.small_count })),
    report("split-sex", ["plan.sex", "plan.children"], [...state.meta.sexes, "unspecified"].map((x) => ({ cells: [t("sex." + x), String(m.split.by_sex[x])] }))),
    report("split-age", ["plan.age_band", "plan.children"], state.meta.age_bands.map((b) => ({ cells: [t("plan.age_band_value", { Band: b }), String(m.split.by_age_band[b])] }))),
  ];
  const csv = `/api/v1/regions/${m.region_id}/targets/${m.year}/export.csv?lang=${state.lang}`;
  if (printable) {
    return mount(h("main", { class: "report-page" },
      h("div", { class: "row noprint" }, h("button", { class: "big", onclick: () => print() }, t("ui.print")),
        link(`/staff/plan/dashboard?region=${m.region_id}&year=${m.year}`, t("ui.back"), { class: "big button" })),
      h("h1", {}, t("plan.report_title", { Region: m.region_name, Year: m.year })), ...body,
      h("p", { class: "meta" }, t("plan.report_printed", { Date: new Date().toLocaleDateString(state.lang) }))));
  }
  screen("plan.dashboard", pick.nodes, ...body,
    h("div", { class: "row noprint" },
      h("a", { href: csv, class: "big button", download: "", "data-testid": "plan-csv" }, t("ui.export_csv")),
      link(`/staff/plan/print?region=${m.region_id}&year=${m.year}`, t("plan.printable"), { class: "big button", "data-testid": "plan-print" })));
}

// The staff desk: signing in, the header every desk screen shares, and which screen an
// address shows. Each screen is a module of its own (desk-*.js) that gets the header and the
// sign-in from here, so the screens never import this page or one another.
import { state, t, h, api, navigate, mount, note, langSwitch, start } from "./shell.js";
import { proposalList } from "./desk-list.js";
import { proposalPage } from "./desk-proposal.js";
import { membersPage } from "./desk-members.js";
import { queuePage } from "./desk-queue.js";
import { auditPage } from "./desk-audit.js";
import { planDesk } from "./plan.js";

async function show(path) {
  if (!state.me || state.me.role === "child") {
    const me = await api("GET", "/api/v1/me");
    if (!me.ok || me.data.role === "child") return signIn();
    state.me = me.data;
  }
  const [, , section, id] = path.split("/");
  if (section === "proposals" && id) return proposalPage(id, top);
  if (section === "queue") return queuePage(top, signIn);
  if (section === "members") return membersPage(id, top, signIn);
  if (section === "stats") return stats();
  if (section === "audit") return auditPage(top, signIn);
  if (section === "plan") return planDesk(path, { top, signIn });
  return proposalList(top, signIn);
}

function top() {
  const tab = (href, key) => h("a", { href, class: "tab", onclick: (e) => { e.preventDefault(); navigate(href); } }, t(key));
  return h("header", { class: "top staff" },
    h("span", { class: "brand" }, t("ui.app_name"), " · ", t("ui.staff_desk")),
    state.me ? h("nav", {}, tab("/staff", "ui.desk_proposals"), tab("/staff/queue", "ui.queue"), tab("/staff/members", "ui.members"), tab("/staff/stats", "ui.stats"), tab("/staff/plan", "plan.nav"),
      state.me.role === "admin" ? tab("/staff/audit", "ui.audit") : null) : null,
    h("span", { class: "spacer" }), langSwitch(),
    state.me ? h("button", { class: "ghost", "data-testid": "sign-out", onclick: async () => { await api("POST", "/api/v1/auth/logout"); state.me = null; signIn(); } }, t("ui.sign_out")) : null,
    state.me ? cryForHelpBanner() : null);
}

/** cryForHelpBanner tells staff on every page of the desk that a cry for help is waiting, so that
 * nobody has to open the queue to learn that a child needs an adult today. */
function cryForHelpBanner() {
  const box = h("div", { class: "sg-banner-box", "aria-live": "polite" });
  api("GET", "/api/v1/moderation/queue?limit=20").then((r) => {
    const n = r.ok ? r.data.items.filter((it) => it.safeguarding).length : 0;
    if (n) box.replaceChildren(h("a", { href: "/staff/queue", class: "sg-banner", "data-testid": "sg-banner",
      onclick: (e) => { e.preventDefault(); navigate("/staff/queue"); } }, "! " + t("ui.sg_banner", { Count: n })));
  });
  return box;
}

function signIn(error) {
  const user = h("input", { id: "u", "data-testid": "staff-username", autocomplete: "username" });
  const pass = h("input", { id: "p", type: "password", "data-testid": "staff-password", autocomplete: "current-password" });
  const go = async () => {
    const r = await api("POST", "/api/v1/auth/staff/login", { username: user.value, password: pass.value, session: "cookie" });
    if (!r.ok) return signIn(r.error.message);
    state.me = r.data.user;
    navigate("/staff");
  };
  pass.addEventListener("keydown", (e) => { if (e.key === "Enter") go(); });
  mount(top(), h("main", { class: "narrow" }, h("h1", {}, t("ui.staff_sign_in")), error ? note(error, "error") : null,
    h("label", { for: "u" }, t("ui.username")), user, h("label", { for: "p" }, t("ui.password")), pass,
    h("button", { class: "big primary", "data-testid": "staff-sign-in", onclick: go }, t("ui.sign_in"))));
}

async function stats() {
  const r = await api("GET", "/api/v1/stats");
  if (r.status === 401) return signIn();
  if (!r.ok) return mount(top(), h("main", {}, note(r.error.message, "error")));
  const s = r.data;
  const max = Math.max(1, ...Object.values(s.proposals_by_stage));
  const ns = "http://www.w3.org/2000/svg";
  // Horizontal bars: the stage names, long in English, get a column of their own.
  const chart = document.createElementNS(ns, "svg");
  const row = 26;
  const stages = state.meta.stages;
  chart.setAttribute("viewBox", `0 0 320 ${stages.length * row + 4}`);
  chart.setAttribute("class", "chart");
  chart.setAttribute("role", "img");
  chart.setAttribute("aria-label", `${t("ui.by_stage")}: ` + stages.map((st) => `${t("stage." + st)} ${s.proposals_by_stage[st] || 0}`).join(", "));
  const draw = (tag, attrs, text) => {
    const el = document.createElementNS(ns, tag);
    Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, v));
    if (text !== undefined) el.textContent = text;
    chart.append(el);
  };
  stages.forEach((st, i) => {
    const n = s.proposals_by_stage[st] || 0, y = 4 + i * row, w = (n / max) * 160;
    draw("text", { x: 0, y: y + 15, "font-size": "12", fill: "#1f2933" }, t("stage." + st));
    draw("rect", { x: 110, y: y + 3, width: Math.max(w, 1), height: 16, fill: "#1d6fb8" });
    draw("text", { x: 116 + w, y: y + 15, "font-size": "12", fill: "#1f2933" }, String(n));
  });
  const pct = (x) => `${Math.round(x * 100)}%`;
  mount(top(), h("main", {}, h("h1", {}, t("ui.stats")),
    h("dl", { class: "figures" },
      h("dt", {}, t("ui.response_rate")), h("dd", {}, pct(s.response_rate)),
      h("dt", {}, t("ui.median_days")), h("dd", {}, String(s.median_response_days)),
      h("dt", {}, t("ui.overdue")), h("dd", {}, String(s.overdue)),
      h("dt", {}, t("ui.adoption_rate")), h("dd", {}, pct(s.adoption_rate)),
      h("dt", {}, t("ui.children_active")), h("dd", {}, String(s.children_active)),
      h("dt", {}, t("ui.consent_pending")), h("dd", {}, String(s.consent_pending))),
    chart,
    h("p", {}, h("a", { href: "/api/v1/stats/export.csv", class: "big button", download: "" }, t("ui.export_csv")))));
}

start((path) => path === "/staff" || path.startsWith("/staff/"), show);

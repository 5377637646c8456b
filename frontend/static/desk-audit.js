// The audit log on the desk (admin).
import { state, t, h, api, mount, note } from "./shell.js";

/** audit shows the admin who did what to whom, newest first. */
export async function auditPage(top, signIn) {
  const r = await api("GET", "/api/v1/audit?limit=100");
  if (r.status === 401) return signIn();
  if (!r.ok) return mount(top(), h("main", {}, h("h1", {}, t("ui.audit")), note(r.error.message, "error")));
  mount(top(), h("main", {}, h("h1", {}, t("ui.audit")),
    h("table", { class: "grid", "data-testid": "audit" }, h("tbody", {}, ...r.data.items.map((ev) => h("tr", {},
      h("td", {}, new Date(ev.at).toLocaleString(state.lang)), h("td", {}, t("role." + ev.actor.role)), h("td", {}, ev.action),
      h("td", {}, `${ev.subject.type} ${ev.subject.id.slice(-6)}`)))))));
}


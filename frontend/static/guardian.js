// The guardian's consent page, reached from a link or a printed QR code: the privacy notice in
// plain language, the required and optional choices, 同意 and 拒绝 equally prominent; after
// consent, export and withdrawal with the erase choice explained.
import { t, h, api, mount, note, langSwitch, limit, start } from "./shell.js";

async function show(token) {
  const base = `/api/v1/consent/${encodeURIComponent(token)}`;
  const r = await api("GET", base);
  const top = h("header", { class: "top" }, h("span", { class: "brand" }, t("ui.app_name")), h("span", { class: "spacer" }), langSwitch());
  if (!r.ok) {
    return mount(top, h("main", { class: "narrow" }, h("h1", {}, t("ui.consent_title")),
      note(r.status === 429 ? r.error.message : t("ui.link_invalid"), "error")));
  }
  const v = r.data;
  const notice = h("section", { class: "notice" }, h("h2", {}, v.notice.title),
    ...v.notice.sections.map((s) => h("details", { open: s.key === "purpose" || s.key === "collected" }, h("summary", {}, s.title), h("p", {}, s.body))));
  const head = [h("h1", {}, t("ui.consent_title")),
    h("p", { class: "lead" }, t("ui.consent_for", { Nickname: v.child.nickname, Body: v.child.body_name }))];
  if (v.status === "active") return mount(top, h("main", { class: "narrow" }, ...head, note(t("ui.consent_given"), "ok"), notice, afterConsent(base)));

  const name = h("input", { id: "gname", autocomplete: "name", maxlength: limit("guardian_name").max });
  const relation = h("input", { id: "relation", maxlength: limit("relation").max, placeholder: t("ui.relation_example") });
  const scopes = {};
  const scopeBoxes = v.notice.scopes.map((s) => {
    const box = h("input", { type: "checkbox", id: "scope-" + s.key, checked: s.required || (s.key !== "participate" && v.scopes[s.key]), disabled: s.required });
    box.addEventListener("change", () => { scopes[s.key] = box.checked; });
    if (!s.required) scopes[s.key] = box.checked;
    return h("div", { class: "check" }, box, h("label", { for: "scope-" + s.key }, s.label));
  });
  const out = h("div", {});
  const decide = async (decision) => {
    const res = await api("POST", base, { decision, guardian_name: name.value, relation: relation.value, scopes });
    if (!res.ok) return out.replaceChildren(note(res.error.message, "error"), ...Object.values(res.error.fields || {}).map((m) => note(m, "error")));
    if (decision === "grant") return show(token);
    mount(top, h("main", { class: "narrow" }, ...head, note(t("ui.consent_refused"), "ok")));
  };
  mount(top, h("main", { class: "narrow" }, ...head, notice,
    h("h2", {}, t("ui.your_choices")), ...scopeBoxes,
    h("label", { for: "gname" }, t("ui.guardian_name")), name,
    h("label", { for: "relation" }, t("ui.relation")), relation,
    out,
    h("div", { class: "row equal" },
      h("button", { class: "big choice", "data-testid": "consent-grant", onclick: () => decide("grant") }, t("ui.grant")),
      h("button", { class: "big choice", "data-testid": "consent-deny", onclick: () => decide("deny") }, t("ui.deny")))));
}

function afterConsent(base) {
  const out = h("div", {});
  const erase = h("input", { type: "radio", name: "erase", id: "erase-yes", value: "yes" });
  const keep = h("input", { type: "radio", name: "erase", id: "erase-no", value: "no", checked: true });
  return h("section", {},
    h("h2", {}, t("ui.your_data")),
    h("button", {
      class: "big", "data-testid": "consent-export",
      onclick: async () => {
        const r = await api("GET", base + "/export");
        if (!r.ok) return out.replaceChildren(note(r.error.message, "error"));
        const url = URL.createObjectURL(new Blob([JSON.stringify(r.data, null, 2)], { type: "application/json" }));
        const a = h("a", { href: url, download: "tongsheng-export.json" });
        document.body.append(a);
        a.click();
        a.remove();
        URL.revokeObjectURL(url);
      },
    }, t("ui.export")),
    h("h2", {}, t("ui.withdraw")),
    h("p", {}, t("ui.withdraw_explain")),
    h("div", { class: "check" }, keep, h("label", { for: "erase-no" }, t("ui.withdraw_keep"))),
    h("div", { class: "check" }, erase, h("label", { for: "erase-yes" }, t("ui.withdraw_erase"))),
    out,
    h("button", {
      class: "big danger", "data-testid": "consent-withdraw",
      // A second, explicit step instead of a browser dialog: clear on a phone, and nothing to dismiss by accident.
      onclick: () => out.replaceChildren(note(t("ui.withdraw_confirm"), "warn"), h("button", {
        class: "big danger", "data-testid": "consent-withdraw-confirm",
        onclick: async () => {
          const r = await api("POST", base + "/withdraw", { erase: erase.checked });
          out.replaceChildren(note(r.ok ? t("ui.withdrawn_done") : r.error.message, r.ok ? "ok" : "error"));
        },
      }, t("ui.withdraw_yes"))),
    }, t("ui.withdraw")));
}

start((path) => path.startsWith("/consent/"), (path) => show(decodeURIComponent(path.slice("/consent/".length))));

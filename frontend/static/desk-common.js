// What the desk's screens share: links within the desk, error and confirmation notes, dates,
// and the deadline of a proposal in days. It imports only the shell; the desk's screens import it
// and never one another.
import { state, t, h, navigate, note } from "./shell.js";

/** link is an anchor that moves within the app without reloading it. */
export function link(href, text, attrs = {}) {
  return h("a", { ...attrs, href, onclick: (e) => { e.preventDefault(); navigate(href); } }, text);
}

/** errorNotes shows an API error: its message, then what is wrong with each field. */
export function errorNotes(error) {
  if (!error) return [];
  return [note(error.message, "error"), ...Object.values(error.fields || {}).map((m) => note(m, "error"))];
}

// A confirmation survives the redraw that follows an action: the next screen shows it once.
let flash = null;

/** confirm keeps a confirmation for the next screen drawn. */
export function confirmLater(text) {
  flash = text;
}

/** confirmation is the kept confirmation as a note (role=status), or null; it shows once. */
export function confirmation() {
  if (!flash) return null;
  const n = h("p", { class: "note ok", role: "status", "data-testid": "confirmation" }, flash);
  flash = null;
  return n;
}

/** day is an instant as a local date; time adds the hour. */
export function day(iso) {
  return iso ? new Date(iso).toLocaleDateString(state.lang) : "";
}

export function time(iso) {
  return iso ? new Date(iso).toLocaleString(state.lang, { dateStyle: "medium", timeStyle: "short" }) : "";
}

// How many days before the deadline a proposal still waiting for an answer shows in amber.
const SOON_DAYS = 7;

/** deadline tells where a proposal stands against its response deadline: kind is "late" (past it,
 * no answer), "soon" (within a week), "open", "answered" or "none" (not published), with words. */
export function deadline(p, now = new Date()) {
  if (!p.response_due_at) return { kind: "none", text: "" };
  if (p.first_response_at || p.stage === "closed") return { kind: "answered", text: t("ui.desk_answered") };
  const due = new Date(p.response_due_at);
  const midnight = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((midnight(due) - midnight(now)) / 86400000);
  if (due <= now) return { kind: "late", text: days < 0 ? t("ui.desk_days_late", { Count: -days }) : t("ui.desk_late_today") };
  if (days === 0) return { kind: "soon", text: t("ui.desk_due_today") };
  return { kind: days <= SOON_DAYS ? "soon" : "open", text: t("ui.desk_days_left", { Count: days }) };
}

/** copyButton copies text to the clipboard and says so; where the clipboard is not allowed it
 * selects the text for the user to copy. */
export function copyButton(text, target, testid = "copy-link") {
  const said = h("span", { class: "meta", role: "status" });
  const btn = h("button", {
    class: "big", "data-testid": testid,
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(text);
        said.textContent = t("ui.desk_copied");
      } catch {
        if (target) getSelection().selectAllChildren(target);
        said.textContent = t("ui.desk_copy_by_hand");
      }
    },
  }, t("ui.desk_copy"));
  return h("span", { class: "row" }, btn, said);
}

// The list with the filters last used, so that a proposal's page leads back to it.
let lastList = "/staff";

export function rememberList(address) {
  lastList = address;
}

/** listAddress is the way back to the list as it was filtered. */
export function listAddress() {
  return lastList;
}

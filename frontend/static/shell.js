// The shell every page of Tongsheng's web app shares: the language and its catalog, the enums
// and limits from the server, calls to the API, building elements, read-aloud and moving
// between screens. It is a leaf: it imports nothing, and the page modules (child.js, staff.js,
// guardian.js) import it and never each other.
// User text is only ever inserted as text (textContent), never as HTML.

// meta holds the server's enums and limits (GET /api/v1/meta) once start has loaded them.
export const state = { lang: "zh-CN", msgs: {}, me: null, meta: null };

const LANGS = ["zh-CN", "en"];

/** t translates a catalog key, filling {{.Name}} from params. */
export function t(key, params = {}) {
  const s = state.msgs[key] ?? key;
  return s.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, k) => String(params[k] ?? ""));
}

/** h builds an element: h("button", {class: "big", onclick: f, "data-testid": "x"}, "text", child). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k === "value") el.value = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** svg draws a small picture from path data, so that pictures cost no requests; without a label
 * it is decorative and hidden from assistive technology. */
export function svg(paths, color, label) {
  const ns = "http://www.w3.org/2000/svg";
  const el = document.createElementNS(ns, "svg");
  el.setAttribute("viewBox", "0 0 24 24");
  el.setAttribute("class", "pic");
  if (label) {
    el.setAttribute("role", "img");
    el.setAttribute("aria-label", label);
  } else {
    el.setAttribute("aria-hidden", "true"); // decorative: the words beside it say it
    el.setAttribute("focusable", "false");
  }
  for (const d of paths) {
    const p = document.createElementNS(ns, "path");
    p.setAttribute("d", d);
    p.setAttribute("fill", "none");
    p.setAttribute("stroke", color);
    p.setAttribute("stroke-width", "2");
    p.setAttribute("stroke-linecap", "round");
    p.setAttribute("stroke-linejoin", "round");
    el.append(p);
  }
  return el;
}

/** ICONS are drawn, not emoji: a shared tablet may have no emoji font. */
export const ICONS = {
  inbox: ["M4 6h16v12H4z", "M4 7l8 6 8-6"],
  speak: ["M4 10v4h3l5 4V6L7 10z", "M16 9a4 4 0 010 6", "M19 6a8 8 0 010 12"],
  plus: ["M12 5v14", "M5 12h14"],
  thumb: ["M7 11v9H4v-9z", "M7 11l4-7a2 2 0 013 2l-1 4h5a2 2 0 012 2l-2 6a2 2 0 01-2 2H7"],
  pencil: ["M4 20l4-1 11-11-3-3L5 16z", "M14 6l3 3"],
};

/** face draws one of five faces, from sad (1) to very happy (5). */
export function face(n, label) {
  const mouths = ["M8 17q4-4 8 0", "M8 16q4-2 8 0", "M8 15h8", "M8 14q4 2 8 0", "M8 13q4 5 8 0"];
  return svg(["M12 3a9 9 0 110 18 9 9 0 010-18z", "M9 9h.01", "M15 9h.01", mouths[n - 1]], "#1f2933", label);
}

/** api calls the JSON API with the session cookie; it never throws for 4xx answers. */
export async function api(method, path, body) {
  const opts = { method, credentials: "same-origin", headers: { "X-Requested-With": "tongsheng", "Accept-Language": state.lang } };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, opts);
  } catch {
    return { ok: false, status: 0, error: { message: t("ui.offline") } };
  }
  let data = null;
  if (res.status !== 204) {
    try { data = await res.json(); } catch { data = null; }
  }
  return { ok: res.ok, status: res.status, data, error: data && data.error };
}

// page is the running page type: which addresses it owns and how it shows one.
let page = { owns: () => false, show: () => {} };

/** navigate moves to path within the page type; an address of another page type loads that page. */
export function navigate(path) {
  if (!page.owns(path)) {
    location.assign(path);
    return;
  }
  history.pushState(null, "", path);
  route();
}

/** route shows the current address again. */
export function route() {
  return page.show(location.pathname);
}

/** limit is the server's {min, max, default} for a field, e.g. limit("title").max. */
export function limit(name) {
  return state.meta.limits[name];
}

/** mount replaces the page with nodes and moves focus to its heading for screen readers. */
export function mount(...nodes) {
  const app = document.getElementById("app");
  app.replaceChildren(...nodes);
  const heading = app.querySelector("h1");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
  window.scrollTo(0, 0);
}

/** message shows a kind note (error or info) in an element with role=status. */
export function note(text, kind = "info") {
  return h("p", { class: "note " + kind, role: kind === "error" ? "alert" : "status" }, text);
}

async function loadLang(lang) {
  const res = await fetch(`/api/v1/i18n/${lang}`);
  if (res.ok) {
    state.msgs = (await res.json()).messages;
    state.lang = lang;
    document.documentElement.lang = lang;
    document.title = t("ui.app_name");
  }
}

/** langSwitch is the 中文 / English switch on every screen; redraw shows the screen again in the
 * new language (by default the current route, fetched afresh). */
export function langSwitch(redraw = route) {
  const other = state.lang === "zh-CN" ? "en" : "zh-CN";
  return h("button", {
    class: "lang", "data-testid": "lang-switch", lang: other,
    onclick: async () => {
      localStorage.setItem("ts-lang", other); // a device setting, nothing about any child
      await loadLang(other);
      if (state.me) await api("PUT", "/api/v1/me", { locale: other });
      redraw();
    },
  }, other === "en" ? "English" : "中文");
}

/** readAloud reads text in the page's language; shown wherever speech synthesis exists. */
export function readAloud(getText, testid = "read-aloud") {
  if (!("speechSynthesis" in window)) return null;
  return h("button", {
    class: "ghost", "data-testid": testid,
    onclick: () => {
      speechSynthesis.cancel();
      const u = new SpeechSynthesisUtterance(getText());
      u.lang = state.lang;
      speechSynthesis.speak(u);
    },
  }, svg(ICONS.speak, "currentColor", ""), t("ui.read_aloud"));
}

async function loadMeta() {
  const r = await api("GET", "/api/v1/meta");
  if (r.ok) state.meta = r.data;
  return r.ok;
}

/** start runs a page type: owns says which addresses are its own, show draws one of them.
 * The catalog and the server's enums and limits load together before the first screen. */
export async function start(owns, show) {
  page = { owns, show };
  const saved = localStorage.getItem("ts-lang");
  const wanted = LANGS.includes(saved) ? saved : "zh-CN"; // Chinese first; English when this device chose it
  const [, metaLoaded] = await Promise.all([loadLang(wanted), loadMeta()]);
  if (!metaLoaded) return mount(h("main", { class: "narrow" }, h("h1", {}, t("ui.app_name")), note(t("ui.offline"), "error")));
  window.addEventListener("popstate", route);
  await route();
}

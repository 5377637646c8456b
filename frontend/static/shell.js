// The shell every page of Tongsheng's web app shares: the language and its catalog, the enums
// and limits from the server, calls to the API, building elements, read-aloud and moving
// between screens. It is a leaf: it imports nothing, and the page modules (child.js, staff.js,
// guardian.js, notice.js) import it and never each other.
// User text is only ever inserted as text (textContent), never as HTML.

// meta holds the server's enums and limits (GET /api/v1/meta) once start has loaded them.
export const state = { lang: "zh-CN", msgs: {}, me: null, meta: null };

const LANGS = ["zh-CN", "en"];

// A page the browser brings back from its history cache (Back on a shared tablet) may show the
// last user's screen after they signed out: load it afresh, which asks the server who is here.
addEventListener("pageshow", (e) => { if (e.persisted) location.reload(); });

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

/** qrCode draws a QR code from rows of modules as one SVG path. */
export function qrCode(rows, label, cls = "qr") {
  const ns = "http://www.w3.org/2000/svg";
  const n = rows.length;
  const el = document.createElementNS(ns, "svg");
  el.setAttribute("viewBox", `-4 -4 ${n + 8} ${n + 8}`);
  el.setAttribute("class", cls);
  el.setAttribute("role", "img");
  el.setAttribute("aria-label", label);
  el.setAttribute("shape-rendering", "crispEdges");
  let d = "";
  rows.forEach((row, y) => { for (let x = 0; x < n; x++) if (row[x] === "1") d += `M${x} ${y}h1v1h-1z`; });
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000");
  el.append(path);
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

/** api calls the JSON API with the session cookie; it never throws for 4xx answers. A create
 * passes key (see newKey), so a retry or a double tap creates once. */
export async function api(method, path, body, key) {
  const opts = { method, credentials: "same-origin", headers: { "X-Requested-With": "tongsheng", "Accept-Language": state.lang } };
  if (key) opts.headers["Idempotency-Key"] = key; // a create sent twice answers its first result
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
      rememberLang(other);
      await loadLang(other);
      if (state.me) await api("PUT", "/api/v1/me", { locale: other });
      redraw();
    },
  }, other === "en" ? "English" : "中文");
}

/** readAloud reads text aloud in the voice of its own language (Chinese text in a Chinese
 * voice, even in the English app); pressed again it stops. Where the device has no voice for that
 * language it says so instead of staying silent. Shown wherever speech synthesis exists. */
export function readAloud(getText, testid = "read-aloud") {
  if (!("speechSynthesis" in window)) return null;
  const label = h("span", {}, t("ui.read_aloud"));
  const status = h("span", { class: "meta", role: "status", "data-testid": testid + "-status" });
  const button = h("button", { class: "ghost", "data-testid": testid, "aria-pressed": "false" }, svg(ICONS.speak, "currentColor", ""), label);
  const idle = () => { button.setAttribute("aria-pressed", "false"); label.textContent = t("ui.read_aloud"); };
  button.addEventListener("click", async () => {
    if (button.getAttribute("aria-pressed") === "true") {
      speechSynthesis.cancel();
      return idle();
    }
    speechSynthesis.cancel();
    const text = getText();
    const lang = /[\u3400-\u9fff]/.test(text) ? "zh-CN" : "en";
    const voice = await voiceFor(lang);
    if (!voice) {
      status.textContent = t("ui.no_voice", { Language: t("ui.language." + lang) });
      return;
    }
    status.textContent = "";
    const u = new SpeechSynthesisUtterance(text);
    u.lang = voice.lang;
    u.voice = voice;
    u.onend = idle;
    u.onerror = idle;
    button.setAttribute("aria-pressed", "true");
    label.textContent = t("ui.stop_reading");
    speechSynthesis.speak(u);
  });
  return h("span", { class: "read-aloud" }, button, status);
}

/** voiceFor finds an installed voice for lang ("zh-CN" or "en"), waiting briefly for the list,
 * which some browsers fill only after the page has loaded; null when there is none. */
async function voiceFor(lang) {
  let voices = speechSynthesis.getVoices();
  if (!voices.length) {
    voices = await new Promise((resolve) => {
      const done = () => resolve(speechSynthesis.getVoices());
      speechSynthesis.addEventListener("voiceschanged", done, { once: true });
      setTimeout(done, 800);
    });
  }
  const norm = (l) => String(l || "").replace("_", "-").toLowerCase();
  const exact = voices.find((v) => norm(v.lang) === norm(lang));
  return exact || voices.find((v) => norm(v.lang).split("-")[0] === norm(lang).split("-")[0]) || null;
}

/** newKey makes an Idempotency-Key for one create (hex of 16 random bytes; works without a
 * secure context, unlike crypto.randomUUID). */
export function newKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** whileBusy wraps a click handler that writes: its button is disabled (and says it is busy)
 * until the request is answered, so a double tap sends once. */
export function whileBusy(work) {
  return async (e) => {
    const button = e.currentTarget;
    if (button.disabled) return;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await work(e);
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  };
}

/** stageName is a stage in the reader's words: a child's page sets state.words = "child" for
 * the children's names (Ideas, Designing…); staff and public pages keep the official ones. */
export function stageName(stage) {
  const plain = "stage_child." + stage;
  return state.words === "child" && state.msgs[plain] ? t(plain) : t("stage." + stage);
}

/** fieldErrors shows each field error under its own field (found by the id in ids, keyed by
 * the API's field name) and marks it invalid; what belongs to no field goes in rest. Returns a
 * function that clears them. */
export function fieldErrors(error, ids, rest) {
  const shown = [];
  const general = [];
  const fields = { ...(error.fields || {}) };
  for (const r of error.reasons || []) {
    if (r.field && ids[r.field]) {
      // Each message once under its field, however often screening found it.
      if (!fields[r.field]) fields[r.field] = r.message;
      else if (!fields[r.field].includes(r.message)) fields[r.field] += " " + r.message;
    } else if (!general.includes(r.message)) general.push(r.message);
  }
  for (const [name, message] of Object.entries(fields)) {
    const input = ids[name] && document.getElementById(ids[name]);
    if (!input) {
      if (!general.includes(message)) general.push(message);
      continue;
    }
    const id = ids[name] + "-error";
    document.getElementById(id)?.remove();
    const el = h("p", { class: "note error field-error", id, "data-field": name }, message);
    input.after(el);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
    shown.push([input, el]);
    // The error is about what was sent: it goes once the text changes, so that a child who writes
    // something else sees only what fits the new text (the live hint), not an old refusal.
    input.addEventListener("input", () => unmark(input, el), { once: true });
  }
  const first = shown[0];
  rest.replaceChildren(...(general.length || !first ? [note(general.length ? general.join(" ") : error.message, "error")] : []));
  if (first) first[0].focus();
  return () => {
    for (const [input, el] of shown) unmark(input, el);
    rest.replaceChildren();
  };
}

function unmark(input, el) {
  el.remove();
  if (input.getAttribute("aria-describedby") === el.id) {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }
}

/** rememberLang mirrors the device's language in a cookie, so the server preloads that catalog
 * with the page. */
function rememberLang(lang) {
  document.cookie = `ts-lang=${lang}; path=/; max-age=31536000; SameSite=Strict`;
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
  // A link that names its language (?lang=en) opens in it; else the language this device chose;
  // else the page's own (the public notice's server picks it from the browser's languages).
  // A page may carry its catalog and the enums (see the server's first-screen data), in the
  // language the device's cookie named: no round trip for them when it is the one wanted.
  let boot = null;
  try { boot = JSON.parse(document.getElementById("boot")?.textContent || "null"); } catch { boot = null; }
  const asked = new URLSearchParams(location.search).get("lang");
  // A link's language becomes the device's, so that the next page keeps it.
  if (LANGS.includes(asked)) localStorage.setItem("ts-lang", asked);
  const saved = localStorage.getItem("ts-lang");
  const wanted = [asked, saved, boot && boot.lang, document.documentElement.lang].find((l) => LANGS.includes(l)) || "zh-CN";
  rememberLang(wanted);
  if (boot && boot.lang === wanted) {
    state.msgs = boot.messages;
    state.lang = wanted;
    state.meta = boot.meta;
    document.documentElement.lang = wanted;
    document.title = t("ui.app_name");
  }
  const [, metaLoaded] = boot && boot.lang === wanted ? [null, true] : await Promise.all([loadLang(wanted), loadMeta()]);
  if (!metaLoaded) return mount(h("main", { class: "narrow" }, h("h1", {}, t("ui.app_name")), note(t("ui.offline"), "error")));
  window.addEventListener("popstate", route);
  await route();
}

// audit checks the page on screen against the accessibility rules children and staff rely on
// (WCAG 2.2 AA and the brief's 48 px targets) and returns one line per problem found.
//   - text contrast: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold), against the
//     background actually painted behind it (semi-transparent layers composed);
//   - every control is at least 48 × 48 px, or sits in a label that is;
//   - every control has a name a screen reader can say;
//   - every image has an alt text;
//   - base text is at least 18 px.
(() => {
  const problems = [];
  const base = parseFloat(getComputedStyle(document.body).fontSize);
  if (base < 18) problems.push(`base text is ${base} px (needs 18 px)`);
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === "none" || s.visibility === "hidden" || s.opacity === "0") return false;
    }
    return true;
  };
  const describe = (el) => {
    const id = el.getAttribute("data-testid") || el.id || el.className || "";
    const text = (el.textContent || el.value || "").trim().slice(0, 24);
    return `<${el.tagName.toLowerCase()}${id ? " " + id : ""}> "${text}"`;
  };
  const rgba = (s) => {
    const m = s.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, below) => {
    const a = top[3] + below[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    return [0, 1, 2].map((i) => (top[i] * top[3] + below[i] * below[3] * (1 - top[3])) / a).concat(a);
  };
  // background composes every background colour from the element down to an opaque one.
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) {
        layers.push(c);
        if (c[3] === 1) break;
      }
    }
    let bg = [255, 255, 255, 1]; // the canvas
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const luminance = ([r, g, b]) => {
    const f = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };

  for (const el of document.querySelectorAll("body *")) {
    if (["SCRIPT", "STYLE", "svg", "path", "OPTION"].includes(el.tagName)) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!own || !visible(el) || el.closest(":disabled")) continue;
    const s = getComputedStyle(el);
    const bg = background(el);
    const fg = over(rgba(s.color), bg);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    const need = large ? 3 : 4.5;
    const got = ratio(fg, bg);
    if (got < need) problems.push(`contrast ${got.toFixed(2)}:1 (needs ${need}:1) for ${describe(el)}`);
  }

  const controls = "button, input:not([type=hidden]), select, textarea, summary, a.button, [role=button], [role=radio], [role=checkbox]";
  for (const el of document.querySelectorAll(controls)) {
    if (!visible(el) || el.disabled) continue;
    const label = el.closest("label") || (el.labels && el.labels[0]);
    let r = el.getBoundingClientRect();
    if (label && ["checkbox", "radio"].includes(el.type)) {
      // The label is part of the target: a tap on it ticks the box.
      const l = label.getBoundingClientRect();
      r = { width: Math.max(r.width, l.width), height: Math.max(r.height, l.height) };
    }
    if (r.width < 47.5 || r.height < 47.5) problems.push(`target ${Math.round(r.width)}×${Math.round(r.height)} px (needs 48×48) for ${describe(el)}`);
    const named = (el.getAttribute("aria-label") || "").trim() || el.getAttribute("aria-labelledby") ||
      (el.labels && el.labels.length) || (el.title || "").trim() ||
      (!["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName) && el.textContent.trim()) ||
      (el.tagName === "INPUT" && ["submit", "button"].includes(el.type) && el.value);
    if (!named) problems.push(`no accessible name for ${describe(el)}`);
  }

  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) problems.push(`no alt text for <img src=${img.getAttribute("src")}>`);
  }
  return problems;
})()

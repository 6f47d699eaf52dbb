// One small renderer per kind of input a method describes (its "widget"). Each returns
// {input, el, value(), restore(v), clear?(), draw?(g, k), shown?()}: value() is what goes at the input's key in the
// request (undefined: not given), restore(v) shows a request's value again. The Motion input is in motion.js.
import { el } from "./api.js";
import { stage, draw, toolButton, blankMask, paint, uploadCanvas } from "./stage.js";
import { regionShape, pointPairs, regionPicture } from "./shapes.js";
import { motionInput } from "./motion.js";

/**
 * The renderer of an input, or null for what the editor does not show (files and sizes are the command line's).
 * defaults: {settings: the method's settings on this server's model, request: what every request holds unless given};
 * given(): called when the user gives this input a value.
 */
export function render(input, defaults, given) {
  switch (input.widget) {
    case "picture": return pictureInput(input);
    case "text": case "number": case "integer": case "choice": return field(input, defaults);
    case "flag": case "switch": return checkbox(input, defaults);
    case "points": return pointsInput(input, given);
    case "motion": return motionInput(input, given);
    case "region": return regionInput(input, given);
    case "mask": return maskInput(input, given);
    default: return null;
  }
}

/** The picture on the stage: its upload id. */
function pictureInput(input) {
  return { input, el: null, value: () => stage.image ? stage.image.id : undefined, restore() { } };
}

/** The server's default of an input, as text (null: none known); defaults: the settings and the request's own fields. */
function defaultOf(input, defaults) {
  const v = input.key.startsWith("settings.") ? defaults.settings[input.key.slice("settings.".length)] : defaults.request[input.key];
  return v === undefined || v === null ? null : typeof v === "object" ? JSON.stringify(v) : String(v);
}

function labelled(input, control, extra) {
  const text = el("span", { textContent: input.label_text + (input.required ? " *" : "") });
  const label = el("label", { className: "field " + input.widget, title: input.help, data: { key: input.key, widget: input.widget } }, text, control, extra);
  return label;
}

/** Text, a number, a whole number or one of the choices: a form field whose placeholder is the server's default. */
function field(input, defaults) {
  const fallback = defaultOf(input, defaults);
  let control;
  if (input.widget === "choice") {
    control = el("select", {}, el("option", { value: "", textContent: fallback ? `default (${fallback})` : "default" }),
      ...(input.choices || []).map(c => el("option", { value: c, textContent: c })));
  } else {
    control = el("input", { type: input.widget === "text" ? "text" : "number", placeholder: fallback || "" });
    if (input.widget !== "text") control.step = input.widget === "integer" ? "1" : "any";
    if (input.min != null) control.min = input.min;
    if (input.max != null) control.max = input.max;
  }
  return {
    input, el: labelled(input, control), control,
    value() {
      if (control.value === "") return undefined;
      return input.widget === "number" || input.widget === "integer" ? Number(control.value) : control.value;
    },
    restore(v) { control.value = v === undefined || v === null ? "" : String(v); },
  };
}

/**
 * A flag (given: sets its value, true unless said) or a switch (true or false): a checkbox showing the setting as it
 * will be, starting at the server's default; it is sent only when changed from there.
 */
function checkbox(input, defaults) {
  const d = defaultOf(input, defaults);
  const setsBool = input.widget === "switch" || input.value === undefined || typeof input.value === "boolean";
  const start = d === "true" ? true : d === "false" ? false : input.widget === "flag" && typeof input.value === "boolean" ? !input.value : false;
  const control = el("input", { type: "checkbox", checked: start });
  return {
    input, el: labelled(input, control), control,
    value() {
      if (control.checked === start) return undefined;
      if (!setsBool) return control.checked ? structuredClone(input.value) : undefined;
      return control.checked;
    },
    restore(v) { control.checked = v === undefined ? start : typeof v === "boolean" ? v : v !== null; },
  };
}

/** Handle → target pairs clicked on the picture: [{x1, y1, x2, y2}]. */
function pointsInput(input, given) {
  const hint = el("p", { className: "hint" });
  const pairs = pointPairs({ label: input.label_text, changed: done => { if (done) given(); hint.textContent = pairs.text(); } });
  hint.textContent = pairs.text();
  const root = el("div", { className: "input stage-input", title: input.help, data: { key: input.key, widget: input.widget } },
    el("div", { className: "tools" }, toolButton(pairs.tool)), hint);
  return {
    input, el: root, draw: pairs.draw,
    value: () => pairs.list.length ? pairs.json() : undefined,
    clear() { pairs.clear(); hint.textContent = pairs.text(); },
    restore(v) { pairs.restore(v); hint.textContent = pairs.text(); },
  };
}

/** A region drawn on the picture, as text (X,Y,W,H, ellipse:… or click:X,Y); the server shows what it selects. */
function regionInput(input, given) {
  const hint = el("p", { className: "hint", textContent: "no region: everywhere" });
  let selected = null;
  const show = async () => {
    const text = shape.text();
    hint.textContent = text ? `region ${text}` : "no region: everywhere";
    selected = null;
    if (text && stage.image) selected = await regionPicture(text);
    draw();
  };
  const shape = regionShape({ brush: false, changed: () => { given(); return show(); } });
  const root = el("div", { className: "input stage-input", title: input.help, data: { key: input.key, widget: input.widget } },
    el("h3", { textContent: input.label_text }), el("div", { className: "tools" }, ...shape.tools.map(toolButton)), hint);
  return {
    input, el: root,
    draw(g, k) {
      if (selected) { g.globalAlpha = 0.3; g.drawImage(selected, 0, 0, g.canvas.width, g.canvas.height); g.globalAlpha = 1; }
      shape.draw(g, k);
    },
    value: () => shape.text() || undefined,
    clear() { shape.clear(); selected = null; hint.textContent = "no region: everywhere"; },
    restore(v) { shape.restore(v); return show(); },
  };
}

/** Where the edit may change, painted (white = free) and uploaded as a picture: its id; or one of its words (choices). */
function maskInput(input, given) {
  let canvas = null, id = null, dirty = false;
  const hint = el("p", { className: "hint", textContent: "nothing painted" });
  const choice = input.choices && el("select", {}, el("option", { value: "", textContent: "default" }),
    ...input.choices.map(c => el("option", { value: c, textContent: c })));
  const forget = () => { canvas = null; id = null; dirty = false; hint.textContent = "nothing painted"; };
  if (choice) choice.onchange = () => { forget(); draw(); if (choice.value) given(); };
  const brush = {
    name: "mask", label: "Paint " + input.label_text.toLowerCase(), title: "Paint where the picture may change (shift: erase)",
    down(p, e) {
      if (!canvas) { canvas = blankMask(); if (choice) choice.value = ""; }
      paint(canvas, p, e.shiftKey); dirty = true; id = null;
    },
    move(p, e) { paint(canvas, p, e.shiftKey); dirty = true; },
    up() { hint.textContent = "painted"; given(); },
  };
  const root = el("div", { className: "input stage-input", title: input.help, data: { key: input.key, widget: input.widget } },
    el("h3", { textContent: input.label_text }), el("div", { className: "tools" }, toolButton(brush), choice), hint);
  return {
    input, el: root,
    draw(g) { if (canvas) { g.globalAlpha = 0.35; g.drawImage(canvas, 0, 0, g.canvas.width, g.canvas.height); g.globalAlpha = 1; } },
    async value() {
      if (canvas && dirty) { id = await uploadCanvas(canvas, "mask.png"); dirty = false; }
      return id || (choice && choice.value) || undefined;
    },
    clear() { forget(); if (choice) choice.value = ""; },
    restore(v) {
      this.clear();
      if (choice && input.choices.includes(v)) choice.value = v;
      else if (v) { id = v; hint.textContent = `the mask ${v}`; }
    },
  };
}


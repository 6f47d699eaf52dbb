// Motive's editor. What it offers comes from GET /api/v1/methods: a tab per method (by its title) and, for each, a
// panel built from the inputs the method describes, one small renderer per kind of input (widgets.js). A request
// is the method's name and each given input's value at its key (with what the input sets beside it); a result.png's
// request fills the inputs back from the same keys. The edit runs as a job whose progress stream the page follows.
// Plain JavaScript modules, no build step.
import { $, el, api, postJson, upload, imageUrl, withToken, loadImage, status, guard, showPicture, getKey, setKey, token } from "./api.js";
import { stage, setPicture, draw, selectTool, wireStage } from "./stage.js";
import { render } from "./widgets.js";

const panels = [];   // {method, el, inputs, picture}: one a method, in the server's order
let current = null, job = null, events = null;
const BASE = { seed: 0 };   // what every request holds unless an input says otherwise

// ---- panels from the methods' descriptions ----------------------------------------------------------------

/**
 * The inputs the editor shows: not the picture's alternatives (the editor's picture is the one on the stage) nor
 * the fields that lie under one of them, e.g. a generated picture's options.
 */
function shownInputs(m) {
  const picture = m.inputs.find(i => i.widget === "picture");
  if (!picture || !picture.group) return m.inputs;
  const others = m.inputs.filter(i => i.group === picture.group && i !== picture);
  const under = (key, parent) => key.startsWith(parent + ".");
  return m.inputs.filter(i => !others.includes(i) && !others.some(o => under(i.key, o.key) && !under(picture.key, o.key)));
}

function buildPanel(m) {
  const root = el("div", { className: "method-panel", hidden: true, data: { method: m.name } }, el("p", { className: "hint", textContent: m.summary }));
  const panel = { method: m, el: root, inputs: [], picture: null };
  const fields = el("div", { className: "fields" }), more = el("div", { className: "fields" });
  for (const input of shownInputs(m)) {
    const w = render(input, { settings: m.settings || {}, request: BASE }, () => given(panel, w));
    if (!w) continue;   // files and sizes: the command line's
    if (input.widget === "picture") { if (!panel.picture) { panel.picture = w; panel.inputs.push(w); } continue; }
    panel.inputs.push(w);
    (input.advanced ? more : w.draw ? root : fields).append(w.el);
  }
  root.append(fields);
  if (more.childElementCount) root.append(el("details", {}, el("summary", { textContent: "More settings" }), more));
  return panel;
}

/** Inputs of one group are alternatives: giving one forgets the others. */
function given(panel, w) {
  if (!w.input.group) return;
  for (const other of panel.inputs) if (other !== w && other.input.group === w.input.group && other.clear) other.clear();
  draw();
}

function selectMethod(name) {
  current = panels.find(p => p.method.name === name);
  for (const b of document.querySelectorAll("#method-tabs button")) b.classList.toggle("active", b.dataset.method === name);
  for (const p of panels) p.el.hidden = p !== current;
  stage.inputs = current.inputs;
  const drawn = current.inputs.some(w => w.draw);   // whether this method takes anything drawn on the picture
  $("stage-hint").hidden = $("clear").hidden = !drawn;
  selectTool(null);
  showPicture($("warp-image"), null);
  for (const w of current.inputs) if (w.shown) w.shown();
  draw();
}

// ---- the picture ------------------------------------------------------------------------------------------

/** Puts a picture on the stage; a toy scene's caption fills each panel's first text field (what the picture shows). */
async function setImage(u, caption) {
  setPicture(u, await imageUrl("/images/" + u.id));
  for (const p of panels) for (const w of p.inputs) if (w.clear) w.clear();
  if (caption) for (const p of panels) {
    const text = p.inputs.find(w => w.input.widget === "text" && !w.input.advanced);
    if (text) text.control.value = caption;
  }
  draw();
  status(`picture ${u.width}×${u.height} (${u.id})` + (caption ? `: ${caption}` : ""));
}

async function loadScene() {
  const s = await (await postJson("/toy/scenes", { seed: +$("scene-seed").value || 0 })).json();
  await setImage(s, s.caption);
}

async function size(id) {
  const i = await loadImage(await imageUrl("/images/" + id));
  return { width: i.naturalWidth, height: i.naturalHeight };
}

// ---- requests and jobs ------------------------------------------------------------------------------------

async function request() {
  if (!stage.image) throw new Error("open a picture first");
  const r = { method: current.method.name, ...BASE };
  for (const w of current.inputs) {
    const v = await w.value();
    if (v === undefined) {
      if (w.input.required) throw new Error(`${w.input.label_text}: ${w.input.help}`);
      continue;
    }
    setKey(r, w.input.key, v);
    for (const [k, x] of Object.entries(w.input.sets || {})) setKey(r, k, x);
  }
  return r;
}

async function run() {
  const body = await request();
  follow(await (await postJson("/jobs", body)).json());
}

function follow(j) {
  job = j;
  $("run").disabled = true;
  $("cancel").disabled = false;
  $("progress").value = 0;
  showPicture($("live-preview"), null);
  status(`job ${j.id} ${j.state}`);
  if (events) events.close();
  const source = new EventSource(withToken(`/api/v1/jobs/${j.id}/events`));
  events = source;
  const onEvent = e => {
    const { job: v, preview } = JSON.parse(e.data);
    if (v.total > 0) { $("progress").max = v.total; $("progress").value = v.step; }
    if (preview) showPicture($("live-preview"), preview);
    const eta = v.eta_seconds != null ? `, about ${Math.ceil(v.eta_seconds)} s left` : "";
    status(`job ${v.id} ${v.state}${v.phase ? `: ${v.phase} ${v.step}/${v.total}` : ""}${eta}`);
    if (e.type === "end") { source.close(); events = null; finished(v).catch(err => status(err.message, true)); }
  };
  source.addEventListener("progress", onEvent);
  source.addEventListener("end", onEvent);
  source.onerror = () => { if (source.readyState === EventSource.CLOSED) status("lost the progress stream; the job goes on", true); };
}

async function finished(j) {
  $("run").disabled = false;
  $("cancel").disabled = true;
  if (j.state !== "done") { status(`job ${j.id} ${j.state}${j.error ? ": " + j.error : ""}`, j.state === "failed"); return; }
  const base = `/jobs/${j.id}/files/`;
  $("result-before").src = $("source-image").src;
  $("result-after").src = await imageUrl(base + "result.png");
  $("download-result").href = $("result-after").src;
  $("download-run").href = await imageUrl(base + "run.json");
  const summary = j.files.includes("summary.png");
  $("download-summary").hidden = !summary;
  if (summary) $("download-summary").href = await imageUrl(base + "summary.png");
  const metrics = await (await api(base + "metrics.json")).json();
  $("result-text").textContent = Object.entries(metrics).filter(([, v]) => typeof v === "number").slice(0, 6)
    .map(([k, v]) => `${k} ${Math.round(v * 1000) / 1000}`).join(" · ");
  $("result-section").hidden = false;
  compare();
  status(`job ${j.id} done`);
}

function compare() { $("after-clip").style.width = $("compare-slider").value + "%"; $("result-after").style.width = $("result-before").getBoundingClientRect().width + "px"; }

async function cancel() {
  if (!job) return;
  await api(`/jobs/${job.id}`, { method: "DELETE" });
  status(`job ${job.id} cancelling…`);
}

// ---- opening files; restoring an edit from its result.png -------------------------------------------------

async function openFile(file) {
  if (!file) return;
  if (file.type === "image/png") {
    const form = new FormData();
    form.append("file", file, file.name);
    const restored = await fetch("/api/v1/restore", { method: "POST", body: form, headers: token ? { Authorization: "Bearer " + token } : {} });
    if (restored.ok) return restore(await restored.json());
  }
  await setImage(await upload(file, file.name));
}

async function restore(r) {
  const panel = panels.find(p => p.method.name === r.method);
  if (!panel) throw new Error(`this server does not offer the method of that result (${r.method})`);
  const image = panel.picture && getKey(r, panel.picture.input.key);
  const known = image && await api("/images/" + image).then(() => true, () => false);
  if (known) await setImage({ id: image, ...(await size(image)) });
  selectMethod(panel.method.name);
  for (const w of panel.inputs) if (w !== panel.picture) await w.restore(getKey(r, w.input.key));
  draw();
  status(`restored a ${panel.method.title} edit` + (known || !panel.picture ? "" : "; its picture is not on this server any more: open it again"));
}

// ---- start: the panels, then a toy scene so the first screen is ready to try --------------------------------

async function start() {
  const info = await (await api("/methods")).json();
  $("server-info").textContent = `${info.model} on ${info.device}`;
  for (const m of info.methods) {   // only what the server has: methods not built are not offered
    const panel = buildPanel(m);
    panels.push(panel);
    $("method-panels").append(panel.el);
    const b = el("button", { type: "button", textContent: m.title, title: m.summary, data: { method: m.name } });
    b.onclick = () => selectMethod(m.name);
    $("method-tabs").append(b);
  }
  selectMethod(info.methods[0].name);
  status("loading a toy scene…");
  await loadScene();
}

$("load-scene").onclick = guard(loadScene);
$("open-file").onchange = guard(e => openFile(e.target.files[0]));
$("clear").onclick = () => { for (const w of current.inputs) if (w.clear) w.clear(); draw(); };
$("run").onclick = guard(run);
$("cancel").onclick = guard(cancel);
$("compare-slider").oninput = compare;
wireStage();
const zone = $("drop-zone");
zone.ondragover = e => { e.preventDefault(); zone.classList.add("over"); };
zone.ondragleave = () => zone.classList.remove("over");
zone.ondrop = e => { e.preventDefault(); zone.classList.remove("over"); guard(openFile)(e.dataTransfer.files[0]); };
guard(start)();

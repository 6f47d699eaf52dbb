// Motive's editor: builds the seam's edit requests from what is drawn over the picture, shows the motion's
// flow and forward warp at once (the server computes both, exactly as the run will), runs the edit as a job
// and follows its progress stream. Plain JavaScript, no build step.
"use strict";

const $ = id => document.getElementById(id);
const token = new URLSearchParams(location.hash.slice(1)).get("token");
const DISPLAY = 512;   // the stage's longer side in screen pixels

const state = {
  info: null, method: null, image: null,  // image: {id, width, height, url}
  tool: null, region: null, maskCanvas: null, maskId: null, maskDirty: false,
  translate: { dx: 0, dy: 0 }, points: [], pending: null,
  dragPoints: [], dragPending: null, dragMask: null, dragMaskId: null, dragMaskDirty: false,
  flow: null, job: null, events: null, scale: 1, pointer: null,
};

// ---- the API ----------------------------------------------------------------------------------------------

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (token) headers.Authorization = "Bearer " + token;
  const response = await fetch("/api/v1" + path, Object.assign({}, options, { headers }));
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail || detail; } catch (_) { /* not JSON */ }
    throw new Error(detail);
  }
  return response;
}

const postJson = (path, body) => api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

async function upload(blob, name) {
  const form = new FormData();
  form.append("file", blob, name);
  return (await api("/images", { method: "POST", body: form })).json();
}

function withToken(url) { return token ? url + (url.includes("?") ? "&" : "?") + "access_token=" + encodeURIComponent(token) : url; }

async function imageUrl(path) {   // fetched with the token, shown from a blob
  const blob = await (await api(path)).blob();
  return URL.createObjectURL(blob);
}

function status(text, isError) {
  $("status").textContent = text;
  $("status").classList.toggle("error", !!isError);
}

const guard = fn => async (...args) => { try { await fn(...args); } catch (e) { status(e.message, true); } };

// ---- picture ----------------------------------------------------------------------------------------------

async function setImage(u, caption) {
  state.image = u;
  state.scale = DISPLAY / Math.max(u.width, u.height);
  const img = $("source-image");
  img.src = await imageUrl("/images/" + u.id);
  img.width = Math.round(u.width * state.scale);
  img.height = Math.round(u.height * state.scale);
  const c = $("overlay");
  c.width = img.width;
  c.height = img.height;
  clearEdit();
  if (caption) for (const id of ["mg-prompt", "drag-prompt", "gar-source"]) $(id).value = caption;
  status(`picture ${u.width}×${u.height} (${u.id})` + (caption ? `: ${caption}` : ""));
}

function clearEdit() {
  Object.assign(state, { region: null, maskId: null, maskDirty: false, translate: { dx: 0, dy: 0 }, points: [], pending: null,
    dragPoints: [], dragPending: null, dragMaskId: null, dragMaskDirty: false, flow: null });
  if (state.image) {
    state.maskCanvas = blankMask();
    state.dragMask = blankMask();
  }
  for (const [id, v] of [["rotate", 0], ["scale", 1], ["stretch", 1], ["stretch-angle", 0]]) $(id).value = v;
  showSliders();
  $("warp-image").removeAttribute("src");
  draw();
}

function blankMask() {
  const m = document.createElement("canvas");
  m.width = state.image.width;
  m.height = state.image.height;
  const g = m.getContext("2d");
  g.fillStyle = "black";
  g.fillRect(0, 0, m.width, m.height);
  return m;
}

async function maskBlob(canvas) { return new Promise(resolve => canvas.toBlob(resolve, "image/png")); }

// ---- the motion as the request says it ------------------------------------------------------------------

function regionText() {
  const r = state.region;
  if (!r) return null;
  const n = v => Math.round(v * 10) / 10;
  switch (r.kind) {
    case "click": return `click:${Math.round(r.x)},${Math.round(r.y)}`;
    case "rect": return `${Math.round(Math.min(r.x0, r.x1))},${Math.round(Math.min(r.y0, r.y1))},${Math.max(1, Math.round(Math.abs(r.x1 - r.x0)))},${Math.max(1, Math.round(Math.abs(r.y1 - r.y0)))}`;
    case "ellipse": return `ellipse:${n((r.x0 + r.x1) / 2)},${n((r.y0 + r.y1) / 2)},${n(Math.max(1, Math.abs(r.x1 - r.x0) / 2))},${n(Math.max(1, Math.abs(r.y1 - r.y0) / 2))}`;
    case "brush": return state.maskId;
  }
  return null;
}

function strokes() {
  const s = [];
  const t = state.translate;
  if (Math.hypot(t.dx, t.dy) >= 0.5) s.push({ kind: "translate", dx: Math.round(t.dx), dy: Math.round(t.dy) });
  const rot = +$("rotate").value, sc = +$("scale").value, st = +$("stretch").value, sa = +$("stretch-angle").value;
  if (rot !== 0) s.push({ kind: "rotate", degrees: rot });
  if (sc !== 1) s.push({ kind: "scale", factor: sc });
  if (st !== 1) s.push({ kind: "stretch", factor: st, angle: sa });
  if (state.points.length) s.push({ kind: "drag", pairs: state.points.map(p => ({ x1: p[0], y1: p[1], x2: p[2], y2: p[3] })) });
  return s;
}

async function motion() {
  if (state.region && state.region.kind === "brush" && state.maskDirty) {
    state.maskId = (await upload(await maskBlob(state.maskCanvas), "region.png")).id;
    state.maskDirty = false;
  }
  const m = { strokes: strokes() };
  const region = regionText();
  if (region) m.region = region;
  return m;
}

let refreshTimer = null;
function refreshSoon() { clearTimeout(refreshTimer); refreshTimer = setTimeout(guard(refresh), 120); }

async function refresh() {   // the server's flow (arrows, region) and forward warp of the current motion
  const m = await motion();
  $("motion-text").textContent = m.strokes.length ? describe(m) : (m.region ? `region ${m.region}; now say how it moves` : "no motion yet");
  if (!state.image || (!m.strokes.length && !m.region)) { state.flow = null; draw(); return; }
  const ask = { image: state.image.id, motion: m.strokes.length ? m : { strokes: [{ kind: "translate", dx: 0, dy: 0 }], region: m.region } };
  state.flow = await (await postJson("/preview/flow", ask)).json();
  state.flow.regionImage = await loadImage(state.flow.region);
  draw();
  if (m.strokes.length) {
    const blob = await (await postJson("/preview/warp", ask)).blob();
    $("warp-image").src = URL.createObjectURL(blob);
    status(`warp preview: ${state.flow.moving_pixels} pixels move`);
  }
}

function describe(m) {
  return m.strokes.map(s => s.kind === "translate" ? `translate ${s.dx},${s.dy}` : s.kind === "rotate" ? `rotate ${s.degrees}°`
    : s.kind === "scale" ? `scale ${s.factor}` : s.kind === "stretch" ? `stretch ${s.factor} at ${s.angle}°` : `${s.pairs.length} drag pair(s)`).join(", ")
    + (m.region ? ` of region ${m.region}` : " (everything)");
}

function loadImage(src) { return new Promise((resolve, reject) => { const i = new Image(); i.onload = () => resolve(i); i.onerror = reject; i.src = src; }); }

// ---- drawing over the picture -----------------------------------------------------------------------------

function draw() {
  const c = $("overlay"), g = c.getContext("2d"), k = state.scale;
  g.clearRect(0, 0, c.width, c.height);
  if (!state.image) return;
  g.imageSmoothingEnabled = false;
  if (state.method === "motion-guidance") {
    if (state.flow && state.flow.regionImage) { g.globalAlpha = 0.3; g.drawImage(state.flow.regionImage, 0, 0, c.width, c.height); g.globalAlpha = 1; }
    const r = state.region;
    if (r && (r.kind === "rect" || r.kind === "ellipse")) {
      g.strokeStyle = "#2b6cd4"; g.lineWidth = 2; g.beginPath();
      if (r.kind === "rect") g.rect(Math.min(r.x0, r.x1) * k, Math.min(r.y0, r.y1) * k, Math.abs(r.x1 - r.x0) * k, Math.abs(r.y1 - r.y0) * k);
      else g.ellipse((r.x0 + r.x1) / 2 * k, (r.y0 + r.y1) / 2 * k, Math.abs(r.x1 - r.x0) / 2 * k + 0.1, Math.abs(r.y1 - r.y0) / 2 * k + 0.1, 0, 0, 2 * Math.PI);
      g.stroke();
    }
    if (r && r.kind === "brush") { g.globalAlpha = 0.35; g.drawImage(state.maskCanvas, 0, 0, c.width, c.height); g.globalAlpha = 1; }
    if (state.flow) for (const [x, y, dx, dy] of state.flow.arrows) arrow(g, x * k, y * k, (x + dx) * k, (y + dy) * k, "#ffd400", 1.5);
    const t = state.translate, o = state.translateOrigin;
    if (o && Math.hypot(t.dx, t.dy) > 0) arrow(g, o[0] * k, o[1] * k, (o[0] + t.dx) * k, (o[1] + t.dy) * k, "#ff3b30", 3);
    pairs(g, state.points, state.pending);
    if (state.handle && state.handle.at) {
      const [cx, cy] = state.handle.centre, [x, y] = state.handle.at;
      g.strokeStyle = "#2b6cd4"; g.lineWidth = 2; g.beginPath(); g.moveTo(cx * k, cy * k); g.lineTo(x * k, y * k); g.stroke();
      dot(g, cx * k, cy * k, "#2b6cd4"); dot(g, x * k, y * k, "#ffd400");
    }
  } else if (state.method === "drag") {
    g.globalAlpha = 0.35; g.drawImage(state.dragMask, 0, 0, c.width, c.height); g.globalAlpha = 1;
    pairs(g, state.dragPoints, state.dragPending);
  }
}

function pairs(g, list, pending) {
  const k = state.scale;
  for (const [x1, y1, x2, y2] of list) { arrow(g, x1 * k, y1 * k, x2 * k, y2 * k, "#ff3b30", 2.5); dot(g, x1 * k, y1 * k, "#ff3b30"); dot(g, x2 * k, y2 * k, "#2b6cd4"); }
  if (pending) dot(g, pending[0] * k, pending[1] * k, "#ff3b30");
}

function dot(g, x, y, colour) { g.fillStyle = colour; g.beginPath(); g.arc(x, y, 5, 0, 2 * Math.PI); g.fill(); }

function arrow(g, x0, y0, x1, y1, colour, width) {
  const a = Math.atan2(y1 - y0, x1 - x0), head = Math.min(10, Math.hypot(x1 - x0, y1 - y0) / 2);
  g.strokeStyle = colour; g.lineWidth = width; g.beginPath(); g.moveTo(x0, y0); g.lineTo(x1, y1);
  g.lineTo(x1 - head * Math.cos(a - 0.4), y1 - head * Math.sin(a - 0.4)); g.moveTo(x1, y1);
  g.lineTo(x1 - head * Math.cos(a + 0.4), y1 - head * Math.sin(a + 0.4)); g.stroke();
}

// ---- pointer tools ----------------------------------------------------------------------------------------

function centre() {   // where the handles turn, scale and stretch about: the region's middle (the server uses the region's centroid)
  const r = state.region;
  if (r && (r.kind === "rect" || r.kind === "ellipse")) return [(r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2];
  if (r && r.kind === "click") return [r.x, r.y];
  if (r && r.kind === "brush") {
    const d = state.maskCanvas.getContext("2d").getImageData(0, 0, state.maskCanvas.width, state.maskCanvas.height).data;
    let sx = 0, sy = 0, n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 0) { const k = i / 4; sx += k % state.maskCanvas.width; sy += Math.floor(k / state.maskCanvas.width); n++; }
    if (n) return [sx / n, sy / n];
  }
  return [state.image.width / 2, state.image.height / 2];
}

function handle(p) {   // rotate, scale and stretch by dragging, relative to where the drag began
  const [cx, cy] = state.handle.centre, [x0, y0] = state.handle.start;
  const a0 = Math.atan2(y0 - cy, x0 - cx), a1 = Math.atan2(p[1] - cy, p[0] - cx);
  const r0 = Math.max(1, Math.hypot(x0 - cx, y0 - cy)), r1 = Math.hypot(p[0] - cx, p[1] - cy);
  const clamp = v => Math.min(2, Math.max(0.5, Math.round(v * 100) / 100));
  if (state.tool === "rotate") {
    let deg = Math.round(state.handle.value + (a1 - a0) * 180 / Math.PI);
    deg = ((deg + 180) % 360 + 360) % 360 - 180;
    $("rotate").value = deg;
  } else if (state.tool === "scale") $("scale").value = clamp(state.handle.value * r1 / r0);
  else if (state.tool === "stretch") {
    $("stretch").value = clamp(r1 / r0);
    $("stretch-angle").value = Math.round(((a0 * 180 / Math.PI) % 180 + 180) % 180);
  }
  showSliders();
}

function at(e) { const r = $("overlay").getBoundingClientRect(); return [(e.clientX - r.left) / state.scale, (e.clientY - r.top) / state.scale]; }

function paint(canvas, p, erase) {
  const g = canvas.getContext("2d");
  g.fillStyle = erase ? "black" : "white";
  g.beginPath(); g.arc(p[0], p[1], Math.max(2, canvas.width / 32), 0, 2 * Math.PI); g.fill();
}

function down(e) {
  if (!state.image || !state.tool) return;
  const p = at(e);
  state.pointer = p;
  switch (state.tool) {
    case "click": state.region = { kind: "click", x: p[0], y: p[1] }; refreshSoon(); break;
    case "rect": case "ellipse": state.region = { kind: state.tool, x0: p[0], y0: p[1], x1: p[0], y1: p[1] }; break;
    case "brush":
      if (!state.region || state.region.kind !== "brush") { state.maskCanvas = blankMask(); state.region = { kind: "brush" }; }
      paint(state.maskCanvas, p, e.shiftKey); state.maskDirty = true; break;
    case "translate": state.translateOrigin = state.translateOrigin || p; state.translateStart = [p[0] - state.translate.dx, p[1] - state.translate.dy]; break;
    case "rotate": case "scale": case "stretch":
      state.handle = { centre: centre(), start: p, value: state.tool === "rotate" ? +$("rotate").value : state.tool === "scale" ? +$("scale").value : 1 };
      break;
    case "points": state.pending ? (state.points.push([...state.pending, ...p]), state.pending = null, refreshSoon()) : state.pending = p; break;
    case "drag-points": state.dragPending ? (state.dragPoints.push([...state.dragPending, ...p]), state.dragPending = null) : state.dragPending = p; showDrag(); break;
    case "drag-mask": paint(state.dragMask, p, e.shiftKey); state.dragMaskDirty = true; break;
  }
  draw();
}

function move(e) {
  if (!state.pointer) return;
  const p = at(e);
  switch (state.tool) {
    case "rect": case "ellipse": state.region.x1 = p[0]; state.region.y1 = p[1]; break;
    case "brush": paint(state.maskCanvas, p, e.shiftKey); state.maskDirty = true; break;
    case "translate": state.translate = { dx: p[0] - state.translateStart[0], dy: p[1] - state.translateStart[1] }; break;
    case "drag-mask": paint(state.dragMask, p, e.shiftKey); break;
    case "rotate": case "scale": case "stretch": handle(p); state.handle.at = p; break;
    default: return;
  }
  draw();
}

function up() {
  if (!state.pointer) return;
  state.pointer = null;
  state.handle = null;
  if (["rect", "ellipse", "brush", "translate", "rotate", "scale", "stretch"].includes(state.tool)) refreshSoon();
}

function showSliders() {
  $("rotate-value").textContent = $("rotate").value + "°";
  $("scale-value").textContent = (+$("scale").value).toFixed(2) + "×";
  $("stretch-value").textContent = (+$("stretch").value).toFixed(2) + "×";
  $("stretch-angle-value").textContent = $("stretch-angle").value + "°";
}

function showDrag() {
  $("drag-text").textContent = state.dragPoints.length ? state.dragPoints.map(p => `(${p.map(Math.round).slice(0, 2)}) → (${p.map(Math.round).slice(2)})`).join("; ")
    : state.dragPending ? "now click the target" : "no points yet";
}

// ---- methods and requests ---------------------------------------------------------------------------------

function selectMethod(name) {
  state.method = name;
  for (const b of document.querySelectorAll("#method-tabs button")) b.classList.toggle("active", b.dataset.method === name);
  for (const p of document.querySelectorAll(".method-panel")) p.hidden = p.dataset.method !== name;
  selectTool(null);
  draw();
}

function selectTool(tool) {
  state.tool = state.tool === tool ? null : tool;
  for (const b of document.querySelectorAll(".tool")) b.classList.toggle("active", b.dataset.tool === state.tool);
}

async function request() {
  if (!state.image) throw new Error("open a picture first");
  const steps = $("steps").value ? +$("steps").value : undefined;
  const seed = +$("seed").value || 0;
  switch (state.method) {
    case "motion-guidance": {
      const m = await motion();
      if (!m.strokes.length) throw new Error("say how the region moves: drag an arrow, or set a rotation, scale or stretch");
      const settings = steps ? { steps, recursions: 1 } : {};
      return { method: "motion-guidance", source: { kind: "image", image: state.image.id }, motion: { draw: m }, prompt: $("mg-prompt").value, settings, seed };
    }
    case "drag": {
      if (!state.dragPoints.length) throw new Error("click a handle and its target first");
      if (state.dragMaskDirty) { state.dragMaskId = (await upload(await maskBlob(state.dragMask), "mask.png")).id; state.dragMaskDirty = false; }
      const r = { method: "drag", image: state.image.id, drags: state.dragPoints.map(p => ({ x1: p[0], y1: p[1], x2: p[2], y2: p[3] })),
        prompt: $("drag-prompt").value, settings: steps ? { max_iterations: steps } : {}, seed };
      if (state.dragMaskId) r.mask = state.dragMaskId;
      return r;
    }
    case "guide-and-rescale":
      return { method: "guide-and-rescale", image: state.image.id, source_prompt: $("gar-source").value, target_prompt: $("gar-target").value,
        settings: Object.assign({ preset: $("gar-preset").value }, steps ? { steps } : {}), seed };
  }
  throw new Error("choose a method");
}

async function run() {
  const body = await request();
  const job = await (await postJson("/jobs", body)).json();
  follow(job);
}

function follow(job) {
  state.job = job;
  $("run").disabled = true;
  $("cancel").disabled = false;
  $("progress").value = 0;
  $("live-preview").removeAttribute("src");
  status(`job ${job.id} ${job.state}`);
  if (state.events) state.events.close();
  const events = new EventSource(withToken(`/api/v1/jobs/${job.id}/events`));
  state.events = events;
  const onEvent = e => {
    const { job: j, preview } = JSON.parse(e.data);
    if (j.total > 0) { $("progress").max = j.total; $("progress").value = j.step; }
    if (preview) $("live-preview").src = preview;
    const eta = j.eta_seconds != null ? `, about ${Math.ceil(j.eta_seconds)} s left` : "";
    status(`job ${j.id} ${j.state}${j.phase ? `: ${j.phase} ${j.step}/${j.total}` : ""}${eta}`);
    if (e.type === "end") { events.close(); state.events = null; finished(j).catch(err => status(err.message, true)); }
  };
  events.addEventListener("progress", onEvent);
  events.addEventListener("end", onEvent);
  events.onerror = () => { if (events.readyState === EventSource.CLOSED) status("lost the progress stream; the job goes on", true); };
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
  if (j.files.includes("summary.png")) $("download-summary").href = await imageUrl(base + "summary.png");
  const metrics = await (await api(base + "metrics.json")).json();
  $("result-text").textContent = Object.entries(metrics).filter(([, v]) => typeof v === "number").slice(0, 6)
    .map(([k, v]) => `${k} ${Math.round(v * 1000) / 1000}`).join(" · ");
  $("result-section").hidden = false;
  compare();
  status(`job ${j.id} done`);
}

function compare() { $("after-clip").style.width = $("compare-slider").value + "%"; $("result-after").style.width = $("result-before").getBoundingClientRect().width + "px"; }

async function cancel() {
  if (!state.job) return;
  await api(`/jobs/${state.job.id}`, { method: "DELETE" });
  status(`job ${state.job.id} cancelling…`);
}

// ---- restore from a result.png ----------------------------------------------------------------------------

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
  const image = r.image || (r.source && r.source.image);
  const known = image && await api("/images/" + image).then(() => true, () => false);
  if (known) await setImage({ id: image, width: 0, height: 0, ...(await size(image)) });
  selectMethod(r.method);
  if (r.method === "motion-guidance") {
    $("mg-prompt").value = r.prompt || "";
    const d = (r.motion && r.motion.draw) || { strokes: [] };
    for (const s of d.strokes) {
      if (s.kind === "translate") { state.translate = { dx: s.dx, dy: s.dy }; }
      if (s.kind === "rotate") $("rotate").value = s.degrees;
      if (s.kind === "scale") $("scale").value = s.factor;
      if (s.kind === "stretch") { $("stretch").value = s.factor; $("stretch-angle").value = s.angle; }
      if (s.kind === "drag") state.points = s.pairs.map(p => [p.x1, p.y1, p.x2, p.y2]);
    }
    const region = d.region || "";
    const nums = region.replace(/^[a-z]+:/, "").split(",").map(Number);
    if (region.startsWith("click:")) state.region = { kind: "click", x: nums[0], y: nums[1] };
    else if (region.startsWith("ellipse:")) state.region = { kind: "ellipse", x0: nums[0] - nums[2], y0: nums[1] - nums[3], x1: nums[0] + nums[2], y1: nums[1] + nums[3] };
    else if (nums.length === 4 && nums.every(isFinite)) state.region = { kind: "rect", x0: nums[0], y0: nums[1], x1: nums[0] + nums[2], y1: nums[1] + nums[3] };
    else if (region) { state.region = { kind: "brush" }; state.maskId = region; }
    showSliders();
    refreshSoon();
  } else if (r.method === "drag") {
    $("drag-prompt").value = r.prompt || "";
    state.dragPoints = (r.drags || []).map(p => [p.x1, p.y1, p.x2, p.y2]);
    state.dragMaskId = r.mask || null;
    showDrag();
  } else if (r.method === "guide-and-rescale") {
    $("gar-source").value = r.source_prompt || "";
    $("gar-target").value = r.target_prompt || "";
    if (r.settings && r.settings.preset) $("gar-preset").value = r.settings.preset;
  }
  if (r.settings && r.settings.steps) $("steps").value = r.settings.steps;
  $("seed").value = r.seed || 0;
  draw();
  status(`restored a ${r.method} edit` + (known ? "" : "; its picture is not on this server any more: open it again"));
}

async function size(id) {
  const i = await loadImage(await imageUrl("/images/" + id));
  return { width: i.naturalWidth, height: i.naturalHeight };
}

// ---- wiring -----------------------------------------------------------------------------------------------

async function start() {
  const info = await (await api("/methods")).json();
  state.info = info;
  $("server-info").textContent = `${info.model} on ${info.device}`;
  const tabs = $("method-tabs");
  for (const m of info.methods) {   // only what the server has: methods not built are not offered
    const b = document.createElement("button");
    b.textContent = { "motion-guidance": "Motion Guidance", drag: "DragDiffusion", "guide-and-rescale": "Guide-and-Rescale" }[m.name] || m.name;
    b.dataset.method = m.name;
    b.title = m.summary;
    b.onclick = () => selectMethod(m.name);
    tabs.append(b);
    if (m.name === "guide-and-rescale") for (const p of m.presets) $("gar-preset").append(new Option(p, p));
  }
  for (const p of document.querySelectorAll(".method-panel")) if (!info.methods.some(m => m.name === p.dataset.method)) p.remove();
  selectMethod(info.methods[0].name);
  status("open a picture or load a toy scene");
}

$("load-scene").onclick = guard(async () => { const s = await (await postJson("/toy/scenes", { seed: +$("scene-seed").value || 0 })).json(); await setImage(s, s.caption); });
$("open-file").onchange = guard(e => openFile(e.target.files[0]));
for (const b of document.querySelectorAll(".tool")) b.onclick = () => selectTool(b.dataset.tool);
for (const id of ["rotate", "scale", "stretch", "stretch-angle"]) $(id).oninput = () => { showSliders(); refreshSoon(); };
$("overlay").addEventListener("pointerdown", e => { $("overlay").setPointerCapture(e.pointerId); guard(down)(e); });
$("overlay").addEventListener("pointermove", move);
$("overlay").addEventListener("pointerup", up);
$("clear").onclick = () => { clearEdit(); showDrag(); $("motion-text").textContent = "no motion yet"; };
$("run").onclick = guard(run);
$("cancel").onclick = guard(cancel);
$("compare-slider").oninput = compare;
const zone = $("drop-zone");
zone.ondragover = e => { e.preventDefault(); zone.classList.add("over"); };
zone.ondragleave = () => zone.classList.remove("over");
zone.ondrop = e => { e.preventDefault(); zone.classList.remove("over"); guard(openFile)(e.dataTransfer.files[0]); };
guard(start)();

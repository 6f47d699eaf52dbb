// The Motion input: a region and how it moves (translate, rotate, scale, stretch, drag points), written as a
// MotionSpec {strokes, region}. While it is drawn the server shows the target flow (arrows, the region that
// moves) and the picture forward-warped by it, exactly as the run will build it.
import { $, el, postJson, status, showPicture, loadImage } from "./api.js";
import { stage, draw, toolButton, arrow, dot } from "./stage.js";
import { regionShape, pointPairs, regionPicture } from "./shapes.js";

const SLIDERS = [
  { name: "rotate", label: "Rotate", min: -180, max: 180, step: 1, rest: 0, show: v => v + "°" },
  { name: "scale", label: "Scale", min: 0.5, max: 2, step: 0.01, rest: 1, show: v => (+v).toFixed(2) + "×" },
  { name: "stretch", label: "Stretch", min: 0.5, max: 2, step: 0.01, rest: 1, show: v => (+v).toFixed(2) + "×" },
  { name: "stretch-angle", label: "Stretch angle", min: 0, max: 180, step: 1, rest: 0, show: v => v + "°" },
];

export function motionInput(input, given) {
  let translate = { dx: 0, dy: 0 }, origin = null, start = null, handle = null, flow = null, warp = null, timer = null;
  const changed = () => { given(); refreshSoon(); };
  const region = regionShape({ brush: true, changed });
  const points = pointPairs({ label: "Drag points", changed: done => done ? changed() : undefined });
  const hint = el("p", { className: "hint", textContent: "no motion yet" });
  const sliders = {};
  const rows = SLIDERS.map(d => {
    const out = el("output", { textContent: d.show(d.rest) });
    const range = el("input", { type: "range", min: d.min, max: d.max, step: d.step, value: d.rest, data: { slider: d.name } });
    range.oninput = () => { out.textContent = d.show(range.value); changed(); };
    sliders[d.name] = { range, out, d };
    return el("label", { className: "slider" }, el("span", { textContent: d.label }), range, out);
  });
  const setSlider = (name, v) => { const s = sliders[name]; s.range.value = v; s.out.textContent = s.d.show(s.range.value); };
  const value = name => +sliders[name].range.value;

  function handleMove(p) {   // rotate, scale and stretch by dragging, relative to where the drag began
    const [cx, cy] = handle.centre, [x0, y0] = handle.start;
    const a0 = Math.atan2(y0 - cy, x0 - cx), a1 = Math.atan2(p[1] - cy, p[0] - cx);
    const r0 = Math.max(1, Math.hypot(x0 - cx, y0 - cy)), r1 = Math.hypot(p[0] - cx, p[1] - cy);
    const clamp = v => Math.min(2, Math.max(0.5, Math.round(v * 100) / 100));
    if (handle.kind === "rotate") {
      const deg = Math.round(handle.value + (a1 - a0) * 180 / Math.PI);
      setSlider("rotate", ((deg + 180) % 360 + 360) % 360 - 180);
    } else if (handle.kind === "scale") setSlider("scale", clamp(handle.value * r1 / r0));
    else {
      setSlider("stretch", clamp(r1 / r0));
      setSlider("stretch-angle", Math.round(((a0 * 180 / Math.PI) % 180 + 180) % 180));
    }
    handle.at = p;
  }
  const handleTool = (name, label, title) => ({
    name, label, title,
    down: p => { handle = { kind: name, centre: region.centre(), start: p, value: name === "stretch" ? 1 : value(name) }; },
    move: handleMove,
    up: () => { handle = null; changed(); },
  });
  const tools = [
    ...region.tools,
    { name: "translate", label: "Translate", title: "Drag an arrow from the region",
      down: p => { origin = origin || p; start = [p[0] - translate.dx, p[1] - translate.dy]; },
      move: p => { translate = { dx: p[0] - start[0], dy: p[1] - start[1] }; },
      up: changed },
    handleTool("rotate", "Rotate", "Drag around the region's centre to turn it"),
    handleTool("scale", "Scale", "Drag away from or towards the region's centre"),
    handleTool("stretch", "Stretch", "Drag along the direction to stretch"),
    points.tool,
  ];
  const [regionTools, motionTools] = [tools.slice(0, region.tools.length), tools.slice(region.tools.length)];
  const root = el("div", { className: "input stage-input", data: { key: input.key, widget: input.widget } },
    el("h3", { textContent: "Region that moves" }), el("div", { className: "tools" }, ...regionTools.map(toolButton)),
    el("h3", { textContent: input.label_text }), el("div", { className: "tools" }, ...motionTools.map(toolButton)),
    ...rows, hint);
  root.title = input.help;

  function strokes() {
    const s = [];
    if (Math.hypot(translate.dx, translate.dy) >= 0.5) s.push({ kind: "translate", dx: Math.round(translate.dx), dy: Math.round(translate.dy) });
    if (value("rotate") !== 0) s.push({ kind: "rotate", degrees: value("rotate") });
    if (value("scale") !== 1) s.push({ kind: "scale", factor: value("scale") });
    if (value("stretch") !== 1) s.push({ kind: "stretch", factor: value("stretch"), angle: value("stretch-angle") });
    if (points.list.length) s.push({ kind: "drag", pairs: points.json() });
    return s;
  }

  async function spec() {
    const m = { strokes: strokes() };
    const r = await region.resolve();
    if (r) m.region = r;
    return m;
  }

  function describe(m) {
    return m.strokes.map(s => s.kind === "translate" ? `translate ${s.dx},${s.dy}` : s.kind === "rotate" ? `rotate ${s.degrees}°`
      : s.kind === "scale" ? `scale ${s.factor}` : s.kind === "stretch" ? `stretch ${s.factor} at ${s.angle}°` : `${s.pairs.length} drag pair(s)`).join(", ")
      + (m.region ? ` of region ${m.region}` : " (everything)");
  }

  function refreshSoon() { clearTimeout(timer); timer = setTimeout(() => refresh().catch(e => status(e.message, true)), 120); }

  async function refresh() {   // the server's flow (arrows, region) and forward warp of the current motion
    const m = await spec();
    hint.textContent = m.strokes.length ? describe(m) : m.region ? `region ${m.region}; now say how it moves` : "no motion yet";
    if (!stage.image || (!m.strokes.length && !m.region)) { flow = null; warp = null; showPicture($("warp-image"), null); draw(); return; }
    if (!m.strokes.length) {
      warp = null;
      showPicture($("warp-image"), null);
      flow = { arrows: [], regionImage: await regionPicture(m.region) };
      draw();
      return;
    }
    const ask = { image: stage.image.id, motion: m };
    flow = await (await postJson("/preview/flow", ask)).json();
    flow.regionImage = await loadImage(flow.region);
    draw();
    warp = URL.createObjectURL(await (await postJson("/preview/warp", ask)).blob());
    showPicture($("warp-image"), warp);
    status(`warp preview: ${flow.moving_pixels} pixels move`);
  }

  return {
    input, el: root,
    draw(g, k) {
      if (flow && flow.regionImage) { g.globalAlpha = 0.3; g.drawImage(flow.regionImage, 0, 0, g.canvas.width, g.canvas.height); g.globalAlpha = 1; }
      region.draw(g, k);
      if (flow) for (const [x, y, dx, dy] of flow.arrows) arrow(g, x * k, y * k, (x + dx) * k, (y + dy) * k, "#ffd400", 1.5);
      if (origin && Math.hypot(translate.dx, translate.dy) > 0) arrow(g, origin[0] * k, origin[1] * k, (origin[0] + translate.dx) * k, (origin[1] + translate.dy) * k, "#ff3b30", 3);
      points.draw(g, k);
      if (handle && handle.at) {
        const [cx, cy] = handle.centre, [x, y] = handle.at;
        g.strokeStyle = "#2b6cd4"; g.lineWidth = 2; g.beginPath(); g.moveTo(cx * k, cy * k); g.lineTo(x * k, y * k); g.stroke();
        dot(g, cx * k, cy * k, "#2b6cd4"); dot(g, x * k, y * k, "#ffd400");
      }
    },
    async value() {
      const m = await spec();
      if (!m.strokes.length) throw new Error("say how the region moves: drag an arrow, or set a rotation, scale or stretch");
      return m;
    },
    clear() {
      translate = { dx: 0, dy: 0 }; origin = null; flow = null; warp = null;
      region.clear(); points.clear();
      for (const d of SLIDERS) setSlider(d.name, d.rest);
      hint.textContent = "no motion yet";
      showPicture($("warp-image"), null);
    },
    restore(m) {
      this.clear();
      for (const s of (m && m.strokes) || []) {
        if (s.kind === "translate") translate = { dx: s.dx, dy: s.dy };
        if (s.kind === "rotate") setSlider("rotate", s.degrees);
        if (s.kind === "scale") setSlider("scale", s.factor);
        if (s.kind === "stretch") { setSlider("stretch", s.factor); setSlider("stretch-angle", s.angle); }
        if (s.kind === "drag") points.restore(s.pairs);
      }
      region.restore(m && m.region);
      if (translate.dx || translate.dy) origin = region.centre();
      refreshSoon();
    },
    shown() { showPicture($("warp-image"), warp); },
  };
}

// What is drawn over the picture, as requests say it: a region (a click, rectangle, ellipse or painted brush) and
// handle → target point pairs. Each comes with its tools, its marks on the stage and its text.
import { postJson, loadImage } from "./api.js";
import { stage, blankMask, paint, uploadCanvas, dot, arrow } from "./stage.js";

const round1 = v => Math.round(v * 10) / 10;

/**
 * A region: click:X,Y (the clicked object's similar-coloured area), X,Y,W,H, ellipse:CX,CY,RX,RY, or (with brush)
 * a painted mask, uploaded when asked for and then written as its upload id. changed() follows every finished stroke.
 */
export function regionShape({ brush, changed }) {
  const s = { r: null, canvas: null, maskId: null, dirty: false };

  s.clear = () => Object.assign(s, { r: null, canvas: null, maskId: null, dirty: false });

  s.text = () => {
    const r = s.r;
    if (!r) return null;
    switch (r.kind) {
      case "click": return `click:${Math.round(r.x)},${Math.round(r.y)}`;
      case "rect": return `${Math.round(Math.min(r.x0, r.x1))},${Math.round(Math.min(r.y0, r.y1))},${Math.max(1, Math.round(Math.abs(r.x1 - r.x0)))},${Math.max(1, Math.round(Math.abs(r.y1 - r.y0)))}`;
      case "ellipse": return `ellipse:${round1((r.x0 + r.x1) / 2)},${round1((r.y0 + r.y1) / 2)},${round1(Math.max(1, Math.abs(r.x1 - r.x0) / 2))},${round1(Math.max(1, Math.abs(r.y1 - r.y0) / 2))}`;
      case "brush": return s.maskId;
    }
    return null;
  };

  /** The text, after uploading a painted mask that changed since. */
  s.resolve = async () => {
    if (s.r && s.r.kind === "brush" && s.dirty) { s.maskId = await uploadCanvas(s.canvas, "region.png"); s.dirty = false; }
    return s.text();
  };

  s.restore = text => {
    s.clear();
    if (!text) return;
    const nums = text.replace(/^[a-z]+:/, "").split(",").map(Number);
    if (text.startsWith("click:")) s.r = { kind: "click", x: nums[0], y: nums[1] };
    else if (text.startsWith("ellipse:")) s.r = { kind: "ellipse", x0: nums[0] - nums[2], y0: nums[1] - nums[3], x1: nums[0] + nums[2], y1: nums[1] + nums[3] };
    else if (nums.length === 4 && nums.every(isFinite)) s.r = { kind: "rect", x0: nums[0], y0: nums[1], x1: nums[0] + nums[2], y1: nums[1] + nums[3] };
    else { s.r = { kind: "brush" }; s.maskId = text; }   // an uploaded mask: its id
  };

  /** Where turns, zooms and stretches are about: the region's middle (the server uses the region's centroid). */
  s.centre = () => {
    const r = s.r;
    if (r && (r.kind === "rect" || r.kind === "ellipse")) return [(r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2];
    if (r && r.kind === "click") return [r.x, r.y];
    if (r && r.kind === "brush" && s.canvas) {
      const w = s.canvas.width, d = s.canvas.getContext("2d").getImageData(0, 0, w, s.canvas.height).data;
      let sx = 0, sy = 0, n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] > 0) { const k = i / 4; sx += k % w; sy += Math.floor(k / w); n++; }
      if (n) return [sx / n, sy / n];
    }
    return [stage.image.width / 2, stage.image.height / 2];
  };

  s.draw = (g, k) => {
    const r = s.r;
    if (!r) return;
    if (r.kind === "rect" || r.kind === "ellipse") {
      g.strokeStyle = "#2b6cd4"; g.lineWidth = 2; g.beginPath();
      if (r.kind === "rect") g.rect(Math.min(r.x0, r.x1) * k, Math.min(r.y0, r.y1) * k, Math.abs(r.x1 - r.x0) * k, Math.abs(r.y1 - r.y0) * k);
      else g.ellipse((r.x0 + r.x1) / 2 * k, (r.y0 + r.y1) / 2 * k, Math.abs(r.x1 - r.x0) / 2 * k + 0.1, Math.abs(r.y1 - r.y0) / 2 * k + 0.1, 0, 0, 2 * Math.PI);
      g.stroke();
    }
    if (r.kind === "click") dot(g, r.x * k, r.y * k, "#2b6cd4");
    if (r.kind === "brush" && s.canvas) { g.globalAlpha = 0.35; g.drawImage(s.canvas, 0, 0, g.canvas.width, g.canvas.height); g.globalAlpha = 1; }
  };

  const box = kind => ({
    down: p => { s.clear(); s.r = { kind, x0: p[0], y0: p[1], x1: p[0], y1: p[1] }; },
    move: p => { s.r.x1 = p[0]; s.r.y1 = p[1]; },
    up: changed,
  });
  s.tools = [
    { name: "click", label: "Click", title: "Click an object: its similar-coloured area", down: p => { s.clear(); s.r = { kind: "click", x: p[0], y: p[1] }; return changed(); } },
    { name: "rect", label: "Rectangle", ...box("rect") },
    { name: "ellipse", label: "Ellipse", ...box("ellipse") },
  ];
  if (brush) s.tools.push({
    name: "brush", label: "Brush", title: "Paint the region (shift: erase)",
    down: (p, e) => {
      if (!s.r || s.r.kind !== "brush" || !s.canvas) { s.clear(); s.canvas = blankMask(); s.r = { kind: "brush" }; }
      paint(s.canvas, p, e.shiftKey); s.dirty = true;
    },
    move: (p, e) => { paint(s.canvas, p, e.shiftKey); s.dirty = true; },
    up: changed,
  });
  return s;
}

/** What a region's text selects on the stage's picture, as the server reads it: where a 1 px move would move things. */
export async function regionPicture(text) {
  const ask = { image: stage.image.id, motion: { strokes: [{ kind: "translate", dx: 1, dy: 0 }], region: text } };
  return loadImage((await (await postJson("/preview/flow", ask)).json()).region);
}

/** Handle → target pairs [x1, y1, x2, y2] clicked on the picture: a handle, then its target. */
export function pointPairs({ label, changed }) {
  const s = { list: [], pending: null };
  s.clear = () => { s.list = []; s.pending = null; };
  s.json = () => s.list.map(p => ({ x1: p[0], y1: p[1], x2: p[2], y2: p[3] }));
  s.restore = list => { s.clear(); s.list = (list || []).map(p => [p.x1, p.y1, p.x2, p.y2]); };
  s.text = () => s.list.length ? s.list.map(p => `(${p.map(Math.round).slice(0, 2)}) → (${p.map(Math.round).slice(2)})`).join("; ")
    : s.pending ? "now click the target" : "no points yet";
  s.tool = {
    name: "points", label, title: "Click a handle, then its target",
    down: p => {
      if (!s.pending) { s.pending = p; return changed(false); }
      s.list.push([...s.pending, ...p]); s.pending = null;
      return changed(true);
    },
  };
  s.draw = (g, k) => {
    for (const [x1, y1, x2, y2] of s.list) { arrow(g, x1 * k, y1 * k, x2 * k, y2 * k, "#ff3b30", 2.5); dot(g, x1 * k, y1 * k, "#ff3b30"); dot(g, x2 * k, y2 * k, "#2b6cd4"); }
    if (s.pending) dot(g, s.pending[0] * k, s.pending[1] * k, "#ff3b30");
  };
  return s;
}

// The stage: the picture being edited, drawn large, with a canvas over it where the active tool works. The inputs
// of the shown method draw their marks on the canvas; the stage only passes pointer events to the active tool.
import { $, el, upload, guard } from "./api.js";

const DISPLAY = 512;   // the stage's longer side in screen pixels

/** image: {id, width, height} of the picture on the stage; scale: screen pixels per picture pixel; inputs: the shown method's. */
export const stage = { image: null, scale: 1, tool: null, inputs: [], pointer: null };

export function setPicture(u, url) {
  stage.image = u;
  stage.scale = DISPLAY / Math.max(u.width, u.height);
  const img = $("source-image"), c = $("overlay");
  img.src = url;
  img.width = c.width = Math.round(u.width * stage.scale);
  img.height = c.height = Math.round(u.height * stage.scale);
  $("stage").hidden = false;
  $("stage-empty").hidden = true;
}

export function draw() {
  const c = $("overlay"), g = c.getContext("2d");
  g.clearRect(0, 0, c.width, c.height);
  if (!stage.image) return;
  g.imageSmoothingEnabled = false;
  for (const input of stage.inputs) if (input.draw) input.draw(g, stage.scale);
}

/** A tool's button: {name, label, title, down(p, e), move(p, e), up()} with p in picture pixels. */
export function toolButton(tool) {
  const b = el("button", { type: "button", className: "tool", textContent: tool.label, title: tool.title || "" });
  b.dataset.tool = tool.name;
  b.onclick = () => selectTool(tool);
  tool.button = b;
  return b;
}

export function selectTool(tool) {
  stage.tool = tool && stage.tool !== tool ? tool : null;
  for (const b of document.querySelectorAll(".tool")) b.classList.toggle("active", !!stage.tool && b === stage.tool.button);
}

export function blankMask() {
  const m = document.createElement("canvas");
  m.width = stage.image.width;
  m.height = stage.image.height;
  const g = m.getContext("2d");
  g.fillStyle = "black";
  g.fillRect(0, 0, m.width, m.height);
  return m;
}

/** A round brush dab: white marks where the edit may act, black (shift held) erases. */
export function paint(canvas, p, erase) {
  const g = canvas.getContext("2d");
  g.fillStyle = erase ? "black" : "white";
  g.beginPath(); g.arc(p[0], p[1], Math.max(2, canvas.width / 32), 0, 2 * Math.PI); g.fill();
}

/** A painted mask uploaded as a PNG: its upload id. */
export async function uploadCanvas(canvas, name) {
  const blob = await new Promise(resolve => canvas.toBlob(resolve, "image/png"));
  return (await upload(blob, name)).id;
}

export function dot(g, x, y, colour) { g.fillStyle = colour; g.beginPath(); g.arc(x, y, 5, 0, 2 * Math.PI); g.fill(); }

export function arrow(g, x0, y0, x1, y1, colour, width) {
  const a = Math.atan2(y1 - y0, x1 - x0), head = Math.min(10, Math.hypot(x1 - x0, y1 - y0) / 2);
  g.strokeStyle = colour; g.lineWidth = width; g.beginPath(); g.moveTo(x0, y0); g.lineTo(x1, y1);
  g.lineTo(x1 - head * Math.cos(a - 0.4), y1 - head * Math.sin(a - 0.4)); g.moveTo(x1, y1);
  g.lineTo(x1 - head * Math.cos(a + 0.4), y1 - head * Math.sin(a + 0.4)); g.stroke();
}

function at(e) { const r = $("overlay").getBoundingClientRect(); return [(e.clientX - r.left) / stage.scale, (e.clientY - r.top) / stage.scale]; }

export function wireStage() {
  const c = $("overlay");
  c.addEventListener("pointerdown", guard(async e => {
    if (!stage.image || !stage.tool) return;
    c.setPointerCapture(e.pointerId);
    const p = at(e);
    stage.pointer = p;
    await stage.tool.down(p, e);
    draw();
  }));
  c.addEventListener("pointermove", e => {
    if (!stage.pointer || !stage.tool || !stage.tool.move) return;
    stage.tool.move(at(e), e);
    draw();
  });
  c.addEventListener("pointerup", guard(async () => {
    if (!stage.pointer) return;
    stage.pointer = null;
    if (stage.tool && stage.tool.up) await stage.tool.up();
    draw();
  }));
}

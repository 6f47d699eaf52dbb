// The page's link to the server (API calls carrying the token, uploads, pictures as blob URLs), the status line,
// and small DOM and JSON helpers the other parts share.
export const $ = id => document.getElementById(id);
export const token = new URLSearchParams(location.hash.slice(1)).get("token");

export async function api(path, options = {}) {
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

export const postJson = (path, body) => api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

export async function upload(blob, name) {
  const form = new FormData();
  form.append("file", blob, name);
  return (await api("/images", { method: "POST", body: form })).json();
}

export function withToken(url) { return token ? url + (url.includes("?") ? "&" : "?") + "access_token=" + encodeURIComponent(token) : url; }

/** A server picture fetched with the token, as a blob URL the page can show. */
export async function imageUrl(path) {
  const blob = await (await api(path)).blob();
  return URL.createObjectURL(blob);
}

export function loadImage(src) { return new Promise((resolve, reject) => { const i = new Image(); i.onload = () => resolve(i); i.onerror = reject; i.src = src; }); }

export function status(text, isError) {
  $("status").textContent = text;
  $("status").classList.toggle("error", !!isError);
}

/** Runs an async handler, showing its error on the status line instead of losing it. */
export const guard = fn => async (...args) => { try { await fn(...args); } catch (e) { status(e.message, true); } };

/** An element with properties, data-* attributes (props.data) and children. */
export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  const { data, ...rest } = props;
  Object.assign(e, rest);
  Object.assign(e.dataset, data || {});
  e.append(...children.filter(c => c != null));
  return e;
}

/** Shows a picture, or hides it (and its figure) while it has none: the page never shows a broken image. */
export function showPicture(img, src) {
  if (src) img.src = src; else img.removeAttribute("src");
  (img.closest("figure") || img).hidden = !src;
}

/** The value at a dotted key ("settings.steps") of a request. */
export function getKey(obj, key) { return key.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj); }

/** Sets a dotted key, making objects on the way and merging an object into one already there. */
export function setKey(obj, key, value) {
  const parts = key.split(".");
  let at = obj;
  for (const part of parts.slice(0, -1)) {
    if (typeof at[part] !== "object" || at[part] === null || Array.isArray(at[part])) at[part] = {};
    at = at[part];
  }
  const last = parts[parts.length - 1];
  if (isObject(value) && isObject(at[last])) Object.assign(at[last], structuredClone(value));
  else at[last] = isObject(value) || Array.isArray(value) ? structuredClone(value) : value;
}

const isObject = v => typeof v === "object" && v !== null && !Array.isArray(v);

// A client of `motive serve` as another program would write one: every path, body and answer is typed by
// generated/api.d.ts, which openapi-typescript writes from the server's own /openapi/v1.json (npm run generate).
// It draws a toy scene, uploads it again as a file, submits a Motion Guidance job and a Guide-and-Rescale job,
// follows each one's progress stream, and downloads each result.png. Any HTTP error or wrong answer exits 1;
// a type error fails `tsc` before it runs.
//
//   node dist/client.js http://127.0.0.1:7860 [TOKEN]
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api.js";

declare const process: { argv: string[]; exitCode?: number };

type EditRequest = components["schemas"]["EditRequest"];
type JobView = components["schemas"]["JobView"];
type ProgressEvent = components["schemas"]["ProgressEvent"];

const [base = "http://127.0.0.1:7860", token] = process.argv.slice(2);
const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
const api = createClient<paths>({ baseUrl: base, headers });

function fail(what: string, error: unknown): never {
  throw new Error(`${what}: ${JSON.stringify(error)}`);
}

/** Follows a job's server-sent events until "end"; returns the last job view and how many progress events came. */
async function follow(id: string): Promise<{ job: JobView; events: number }> {
  const response = await fetch(`${base}/api/v1/jobs/${id}/events`, { headers });
  if (!response.ok || !response.body) fail(`GET /jobs/${id}/events`, response.status);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let events = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let cut: number;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const name = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (!name || !data) continue;
      const event: ProgressEvent = JSON.parse(data);
      if (name === "progress") events++;
      if (name === "end") {
        await reader.cancel();
        return { job: event.job, events };
      }
    }
  }
  throw new Error(`the progress stream of job ${id} ended without an "end" event`);
}

async function run(request: EditRequest): Promise<number> {
  const submitted = await api.POST("/api/v1/jobs", { body: request });
  if (!submitted.data) fail(`POST /jobs (${request.method})`, submitted.error);
  const { job, events } = await follow(submitted.data.id);
  if (job.state !== "done") fail(`job ${job.id} (${request.method}) ended ${job.state}`, job.error);
  if (!job.files.includes("result.png")) fail(`job ${job.id} has no result.png`, job.files);
  const png = await api.GET("/api/v1/jobs/{id}/files/{name}", {
    params: { path: { id: job.id, name: "result.png" } },
    parseAs: "arrayBuffer",
  });
  if (!png.data) fail(`GET result.png of ${job.id}`, png.error);
  const bytes = new Uint8Array(png.data);
  if (bytes[0] !== 0x89 || bytes[1] !== 0x50) fail(`result.png of ${job.id} is no PNG`, bytes.length);
  console.log(`${request.method}: job ${job.id} done after ${events} progress events; result.png ${bytes.length} bytes`);
  return bytes.length;
}

async function main(): Promise<void> {
  const methods = await api.GET("/api/v1/methods");
  if (!methods.data) fail("GET /methods", methods.error);
  console.log(`server: ${methods.data.model}, methods ${methods.data.methods.map((m) => m.name).join(", ")}`);

  const scene = await api.POST("/api/v1/toy/scenes", { body: { seed: 1 } });
  if (!scene.data) fail("POST /toy/scenes", scene.error);
  const picture = await api.GET("/api/v1/images/{id}", { params: { path: { id: scene.data.id } }, parseAs: "blob" });
  if (!picture.data) fail("GET /images/{id}", picture.error);

  // The same picture uploaded as a file, as a program with its own picture would.
  const upload = await api.POST("/api/v1/images", {
    body: { file: "" },
    bodySerializer: () => {
      const form = new FormData();
      form.append("file", picture.data, "scene.png");
      return form;
    },
  });
  if (!upload.data) fail("POST /images", upload.error);
  const image = upload.data.id;
  const caption = scene.data.caption ?? "";

  await run({
    method: "motion-guidance",
    source: { kind: "image", image },
    motion: { draw: { strokes: [{ kind: "translate", dx: 8, dy: 0 }], region: "click:64,64" } },
    prompt: caption,
    settings: { steps: 2, recursions: 1 },
  });
  await run({
    method: "guide-and-rescale",
    image,
    source_prompt: caption,
    target_prompt: caption.replace("square", "circle"),
    settings: { steps: 2 },
  });

  // An error answer is typed too: problem+json with a detail that names the input.
  const bad = await api.POST("/api/v1/jobs", { body: { method: "guide-and-rescale", image: "img_missing", source_prompt: "", target_prompt: "x" } });
  if (bad.response.status !== 400 || !bad.error?.detail) fail("a request naming no upload was not refused with 400", bad.response.status);
  console.log(`refused as it should be: ${bad.response.status} ${bad.error.detail}`);
}

main().catch((e: unknown) => {
  console.error(`client failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});

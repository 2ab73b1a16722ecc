import "server-only";
import type { z } from "zod";
import type { Principal } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { authenticateRequest } from "@/lib/auth/request";
import type { Permission } from "@/lib/auth/roles";
import { describeError, InputError, PayloadTooLargeError, zodFieldErrors } from "@/lib/errors";
import { observeApiRequest } from "@/lib/monitoring/metrics";

/** Runs a route and records how long it took and how it answered (dockpki_api_request_duration_seconds). */
async function timed(request: Request, run: () => Promise<Response>): Promise<Response> {
  const started = performance.now();
  const response = await run();
  observeApiRequest(request.method, response.status, (performance.now() - started) / 1000);
  return response;
}

export function jsonError(
  status: number,
  message: string,
  fieldErrors?: Record<string, string[]>,
  details?: Record<string, unknown>,
): Response {
  return Response.json({ error: { ...details, message, ...(fieldErrors ? { fieldErrors } : {}) } }, { status });
}

type Handler<P> = (ctx: { request: Request; principal: Principal; params: P }) => Promise<Response>;

function errorResponse(request: Request, err: unknown): Response {
  const report = describeError(err);
  if (report.status === 500) console.error("API error", request.method, new URL(request.url).pathname, err);
  const response = jsonError(report.status, report.message, report.fieldErrors, report.details);
  const retry = report.details?.retryAfterSeconds;
  if (report.status === 429 && typeof retry === "number") response.headers.set("Retry-After", String(retry));
  return response;
}

/**
 * Every /api/v1 route goes through here: authentication first, then the route's permission (`read`
 * for GET and HEAD unless it says otherwise; a route that changes something must name its own, so a
 * refusal comes before the body is read), then the handler, with errors mapped to the JSON error
 * shape. lib checks the same permissions again on every write. `allowSession` lets the dashboard's
 * own download links work; `"pages"` takes the session only from the dashboard's own pages (a route
 * that records a delivery as the admin, GET included).
 */
export function apiRoute<P = Record<string, never>>(
  handler: Handler<P>,
  opts: { allowSession?: boolean | "pages"; permission?: Permission } = {},
) {
  return (request: Request, context: { params: Promise<P> }): Promise<Response> =>
    timed(request, async () => {
      const auth = await authenticateRequest(request, { allowSession: opts.allowSession ?? false });
      if (!auth.ok) return jsonError(401, auth.message);
      try {
        const reads = request.method === "GET" || request.method === "HEAD";
        if (!opts.permission && !reads)
          throw new Error(`${request.method} ${new URL(request.url).pathname} names no permission`);
        authorize(auth.principal, opts.permission ?? "read");
        return await handler({ request, principal: auth.principal, params: await context.params });
      } catch (err) {
        return errorResponse(request, err);
      }
    });
}

/**
 * A route that takes no bearer token because the request proves itself: a renewal signed by the
 * certificate's key, an enrollment carrying its one-time token. Errors map as in apiRoute.
 */
export function selfAuthenticatingRoute<P = Record<string, never>>(
  handler: (ctx: { request: Request; params: P }) => Promise<Response>,
) {
  return (request: Request, context: { params: Promise<P> }): Promise<Response> =>
    timed(request, async () => {
      try {
        return await handler({ request, params: await context.params });
      } catch (err) {
        return errorResponse(request, err);
      }
    });
}

/** The largest request body the API reads; scripts/server.mjs refuses a larger Content-Length up front. */
export const MAX_BODY_BYTES = 1024 * 1024;
const TOO_LARGE = "The request body is larger than 1 MB; dockpki accepts no more.";

/** The body as text, read no further than MAX_BODY_BYTES (a chunked body has no Content-Length to check). */
async function readBodyText(request: Request): Promise<string> {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) throw new PayloadTooLargeError(TOO_LARGE);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new PayloadTooLargeError(TOO_LARGE);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads and validates a JSON body; bad JSON or bad fields become a 400 with fieldErrors. */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const text = await readBodyText(request);
  let body: unknown;
  try {
    // An empty body means "no fields": every field then takes its default.
    body = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new InputError("The request body must be JSON.");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new InputError("Some fields are invalid.", zodFieldErrors(parsed.error.issues));
  return parsed.data;
}

/** Validates a query string; bad values become a 400 with fieldErrors. */
export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.infer<S> {
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new InputError("Some query parameters are invalid.", zodFieldErrors(parsed.error.issues));
  return parsed.data;
}

/** Reads a urlencoded form body (a same-origin form post), as readJson reads JSON: bounded, then validated. */
export async function readForm<S extends z.ZodType>(
  request: Request,
  schema: S,
  lists: string[] = [],
): Promise<z.infer<S>> {
  const form = new URLSearchParams(await readBodyText(request));
  const body: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) body[key] = lists.includes(key) ? form.getAll(key) : form.get(key);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new InputError("Some fields are invalid.", zodFieldErrors(parsed.error.issues));
  return parsed.data;
}

import "server-only";
import type { z } from "zod";
import type { Principal } from "@/lib/audit";
import { authenticateRequest } from "@/lib/auth/request";
import { describeError, InputError, zodFieldErrors } from "@/lib/errors";

export function jsonError(status: number, message: string, fieldErrors?: Record<string, string[]>): Response {
  return Response.json({ error: { message, ...(fieldErrors ? { fieldErrors } : {}) } }, { status });
}

type Handler<P> = (ctx: { request: Request; principal: Principal; params: P }) => Promise<Response>;

/**
 * Every /api/v1 route goes through here: authentication first, then the handler, with errors
 * mapped to the JSON error shape. `allowSession` lets the dashboard's own download links work.
 */
export function apiRoute<P = Record<string, never>>(handler: Handler<P>, opts: { allowSession?: boolean } = {}) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    const auth = await authenticateRequest(request, { allowSession: opts.allowSession ?? false });
    if (!auth.ok) return jsonError(401, auth.message);
    try {
      return await handler({ request, principal: auth.principal, params: await context.params });
    } catch (err) {
      const report = describeError(err);
      if (report.status === 500) console.error("API error", request.method, new URL(request.url).pathname, err);
      return jsonError(report.status, report.message, report.fieldErrors);
    }
  };
}

/** Reads and validates a JSON body; bad JSON or bad fields become a 400 with fieldErrors. */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    // An empty body means "no fields": every field then takes its default.
    const text = await request.text();
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

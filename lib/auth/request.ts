import "server-only";
import { authenticateBearer } from "@/lib/api-tokens";
import type { Principal } from "@/lib/audit";
import { getSessionAdmin } from "@/lib/auth/current";

export type RequestAuth = { ok: true; principal: Principal } | { ok: false; message: string };

/**
 * Route handlers authenticate here: an API bearer token, or (for downloads the dashboard links to)
 * the browser session. A request that sends a token is judged by the token alone.
 */
export async function authenticateRequest(request: Request, opts: { allowSession: boolean }): Promise<RequestAuth> {
  const header = request.headers.get("authorization");
  if (header || !opts.allowSession) return authenticateBearer(header);
  // A cookie goes with requests other sites make too: a session may change something (a .p12 made
  // and audited) only from the dashboard's own pages, as Next checks for server actions.
  if (request.method !== "GET" && request.method !== "HEAD" && !sameOrigin(request)) {
    return { ok: false, message: "A request with the session cookie must come from the dashboard's own pages." };
  }
  const admin = await getSessionAdmin();
  if (admin)
    return { ok: true, principal: { kind: "admin", id: admin.id, username: admin.username, role: admin.role } };
  return { ok: false, message: "Sign in, or send an API token: Authorization: Bearer <token>." };
}

function sameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

import "server-only";
import { authenticateBearer } from "@/lib/api-tokens";
import type { Principal } from "@/lib/audit";
import { getSessionAdmin } from "@/lib/auth/current";
import { sessionRequestRefusal } from "@/lib/auth/session-origin";

export type RequestAuth = { ok: true; principal: Principal } | { ok: false; message: string };

/**
 * Route handlers authenticate here: an API bearer token, or (for downloads the dashboard links to)
 * the browser session. A request that sends a token is judged by the token alone.
 */
export async function authenticateRequest(
  request: Request,
  opts: { allowSession: boolean | "pages" },
): Promise<RequestAuth> {
  const header = request.headers.get("authorization");
  if (header || !opts.allowSession) return authenticateBearer(header);
  const refusal = sessionRequestRefusal(request, { pagesOnly: opts.allowSession === "pages" });
  if (refusal) return { ok: false, message: refusal };
  const admin = await getSessionAdmin();
  if (admin)
    return { ok: true, principal: { kind: "admin", id: admin.id, username: admin.username, role: admin.role } };
  return { ok: false, message: "Sign in, or send an API token: Authorization: Bearer <token>." };
}

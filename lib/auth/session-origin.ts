// A session cookie goes with requests other sites make too (SameSite=Lax lets a top-level link carry
// it), so what the cookie may do depends on where the request came from. Pure, to be testable.

/** Why a request carrying the session cookie is refused, or null when it may go on. */
export function sessionRequestRefusal(request: Request): string | null {
  // A download records who got which bundle (and so which CAs a holder trusts): a link on another
  // site must not do that with the admin's session. Browsers say where a request came from; "none" is
  // a bookmark or a typed URL. Without the header (curl, older browsers) the request goes on as before.
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") {
    return "A link from another site cannot use your dashboard session: download it from the dashboard's page.";
  }
  // A session may change something (a .p12 made and audited) only from the dashboard's own pages,
  // as Next checks for server actions.
  if (request.method !== "GET" && request.method !== "HEAD" && !sameOrigin(request)) {
    return "A request with the session cookie must come from the dashboard's own pages.";
  }
  return null;
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

// A session cookie goes with requests other sites make too (SameSite=Lax lets a top-level link carry
// it), so what the cookie may do depends on where the request came from. Pure, to be testable.

/**
 * Why a request carrying the session cookie is refused, or null when it may go on. `pagesOnly`: a
 * route that records something as the admin even on GET (a bundle download records who got which
 * bundle, and so which CAs a holder trusts) takes the session only from the dashboard's own pages.
 */
export function sessionRequestRefusal(request: Request, opts: { pagesOnly?: boolean } = {}): string | null {
  // Browsers say where a request came from; "none" is a bookmark or a typed URL. Without the header
  // (curl, older browsers, a dashboard on plain http) the request goes on as before. HEAD records nothing.
  const site = request.headers.get("sec-fetch-site");
  if (opts.pagesOnly && request.method !== "HEAD" && site !== null && site !== "same-origin" && site !== "none") {
    return "A link from another site cannot download with your dashboard session: start the download on the dashboard's page.";
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

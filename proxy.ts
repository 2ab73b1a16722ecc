import { type NextRequest, NextResponse } from "next/server";

// The cheap check only: no session cookie, no dashboard. Pages, actions and route handlers verify
// the session itself against the database; /api answers 401 JSON on its own.
const PUBLIC_PATHS = ["/login", "/setup"];

/**
 * The pages' Content-Security-Policy: scripts only from this origin, and Next's inline scripts by
 * the nonce of this response (Next reads it from the request's header and stamps its own scripts).
 * Styles allow inline style attributes, which React writes; nothing is framed, posted elsewhere or
 * loaded from another origin.
 */
function contentSecurityPolicy(nonce: string): string {
  const dev = process.env.NODE_ENV === "development";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  // /enroll/<token> serves a host's installer: the token is its credential, checked by the route;
  // /metrics checks its bearer token (or the public-metrics setting) itself.
  const isPublic = PUBLIC_PATHS.includes(pathname) || pathname.startsWith("/enroll/") || pathname === "/metrics";
  if (!isPublic && !request.cookies.has("dockpki_session")) {
    const url = request.nextUrl.clone();
    url.pathname = "/login";
    url.search = "";
    return NextResponse.redirect(url);
  }
  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce);
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)"],
};

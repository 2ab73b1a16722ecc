import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import type { Principal } from "@/lib/audit";
import { clientAddressOf, forwardedHttps } from "@/lib/auth/client-address";
import { findSessionAdmin, SESSION_MAX_MS, type SessionAdmin } from "@/lib/auth/sessions";

export const SESSION_COOKIE = "dockpki_session";

/** The signed-in admin for this request, or null. Cached per request. */
export const getSessionAdmin = cache(async (): Promise<SessionAdmin | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return token ? findSessionAdmin(token) : null;
});

/** Every page and server action starts here: no valid session, no access. */
export async function requireAdmin(): Promise<Principal & { kind: "admin" }> {
  const admin = await getSessionAdmin();
  if (!admin) redirect("/login");
  return { kind: "admin", id: admin.id, username: admin.username, role: admin.role };
}

async function secureCookies(): Promise<boolean> {
  if (process.env.DOCKPKI_SECURE_COOKIES === "1" || process.env.DOCKPKI_SECURE_COOKIES === "true") return true;
  return forwardedHttps(await headers());
}

export async function setSessionCookie(token: string): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: await secureCookies(),
    path: "/",
    maxAge: Math.floor(SESSION_MAX_MS / 1000),
  });
}

export async function takeSessionCookie(): Promise<string | undefined> {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  jar.delete(SESSION_COOKIE);
  return token;
}

/** The client's address: the socket's peer, or what a trusted proxy says (lib/auth/client-address.ts). */
export async function clientIp(): Promise<string | null> {
  return clientAddressOf(await headers());
}

export async function userAgent(): Promise<string | null> {
  return (await headers()).get("user-agent");
}

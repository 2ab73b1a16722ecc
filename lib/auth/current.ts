import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import type { Principal } from "@/lib/audit";
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
  return { kind: "admin", id: admin.id, username: admin.username };
}

async function secureCookies(): Promise<boolean> {
  if (process.env.DOCKPKI_SECURE_COOKIES === "1" || process.env.DOCKPKI_SECURE_COOKIES === "true") return true;
  return (await headers()).get("x-forwarded-proto") === "https";
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

/** The client's address as the Next server saw it (the last hop it appended). */
export async function clientIp(): Promise<string | null> {
  const h = await headers();
  const forwarded = h.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  return last || h.get("x-real-ip") || null;
}

export async function userAgent(): Promise<string | null> {
  return (await headers()).get("user-agent");
}

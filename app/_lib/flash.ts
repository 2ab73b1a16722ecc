import "server-only";
import { randomUUID } from "node:crypto";
import { cookies } from "next/headers";
import { encodeFlash, FLASH_COOKIE, FLASH_MAX_AGE_SECONDS } from "@/lib/flash";

/** Leaves "Host docker1 added." for the page this action redirects to (or re-renders). */
export async function setFlash(text: string): Promise<void> {
  (await cookies()).set(FLASH_COOKIE, encodeFlash({ id: randomUUID(), text }), {
    path: "/",
    sameSite: "lax",
    maxAge: FLASH_MAX_AGE_SECONDS,
  });
}

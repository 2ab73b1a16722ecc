/**
 * The one-shot notice ("Host docker1 added.") that an action leaves for the page it redirects to.
 * It travels in a short-lived cookie that the page reads once and clears; it is not httpOnly
 * because the browser clears it after showing it.
 */
export const FLASH_COOKIE = "dockpki-flash";
export const FLASH_MAX_AGE_SECONDS = 60;
const MAX_TEXT = 300;

export interface Flash {
  id: string;
  text: string;
}

/** The cookie value: an id (so the same sentence twice is still news) and the text. */
export function encodeFlash(flash: Flash): string {
  return encodeURIComponent(JSON.stringify({ id: flash.id, text: flash.text.slice(0, MAX_TEXT) }));
}

/** Reads a cookie value back; anything that is not a notice we wrote yields null. */
export function decodeFlash(value: string | undefined | null): Flash | null {
  if (!value) return null;
  try {
    const parsed: unknown = JSON.parse(decodeURIComponent(value));
    if (typeof parsed !== "object" || parsed === null) return null;
    const { id, text } = parsed as Record<string, unknown>;
    if (typeof id !== "string" || typeof text !== "string" || text.trim() === "") return null;
    return { id, text: text.slice(0, MAX_TEXT) };
  } catch {
    return null;
  }
}

/** Finds the notice in a `document.cookie` string. */
export function flashFromCookieHeader(header: string): Flash | null {
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === FLASH_COOKIE) return decodeFlash(part.slice(eq + 1).trim());
  }
  return null;
}

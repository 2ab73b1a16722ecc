import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeFlash, encodeFlash, FLASH_COOKIE, flashFromCookieHeader } from "./flash";

test("a notice survives the cookie round trip, punctuation and non-ASCII included", () => {
  const flash = { id: "a1", text: "Host docker1 added; its bundle: “ready”. ✓" };
  const value = encodeFlash(flash);
  assert.doesNotMatch(value, /[;,\s"]/);
  assert.deepEqual(decodeFlash(value), flash);
});

test("a notice is found among other cookies and ignored when foreign or broken", () => {
  const value = encodeFlash({ id: "x", text: "Client ci added." });
  assert.deepEqual(flashFromCookieHeader(`session=abc; ${FLASH_COOKIE}=${value}; theme=dark`), {
    id: "x",
    text: "Client ci added.",
  });
  assert.equal(flashFromCookieHeader("session=abc"), null);
  assert.equal(flashFromCookieHeader(`${FLASH_COOKIE}=%7Bbroken`), null);
  assert.equal(decodeFlash(encodeURIComponent(JSON.stringify({ id: 1, text: "x" }))), null);
  assert.equal(decodeFlash(encodeURIComponent(JSON.stringify({ id: "1", text: "  " }))), null);
  assert.equal(decodeFlash(""), null);
});

test("a long notice is cut rather than growing the cookie without bound", () => {
  const decoded = decodeFlash(encodeFlash({ id: "l", text: "x".repeat(5000) }));
  assert.equal(decoded?.text.length, 300);
});

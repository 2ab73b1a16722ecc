import assert from "node:assert/strict";
import { test } from "node:test";
import { copyText, manualCopyHint } from "./clipboard";

test("the clipboard API is used when the browser offers it", async () => {
  const written: string[] = [];
  const outcome = await copyText("docker context create", {
    writeText: async (t) => {
      written.push(t);
    },
    selectAndCopy: () => assert.fail("no fallback needed"),
  });
  assert.equal(outcome, "copied");
  assert.deepEqual(written, ["docker context create"]);
});

test("without the clipboard API (plain http) the selection is copied instead", async () => {
  assert.equal(await copyText("x", { selectAndCopy: () => true }), "copied");
});

test("a refused clipboard falls back to the selection", async () => {
  const outcome = await copyText("x", {
    writeText: () => Promise.reject(new Error("NotAllowedError")),
    selectAndCopy: () => true,
  });
  assert.equal(outcome, "copied");
});

test("when nothing copies, the user is asked to press the shortcut", async () => {
  assert.equal(await copyText("x", { selectAndCopy: () => false }), "manual");
  assert.equal(
    await copyText("x", {
      selectAndCopy: () => {
        throw new Error("execCommand unsupported");
      },
    }),
    "manual",
  );
});

test("the shortcut named matches the platform", () => {
  assert.equal(manualCopyHint("MacIntel"), "Press Cmd+C to copy.");
  assert.equal(manualCopyHint("iPhone"), "Press Cmd+C to copy.");
  assert.equal(manualCopyHint("Linux x86_64"), "Press Ctrl+C to copy.");
  assert.equal(manualCopyHint("Win32"), "Press Ctrl+C to copy.");
});

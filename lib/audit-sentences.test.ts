import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { DESCRIBED_ACTIONS } from "@/lib/audit-words";
import { repoRoot } from "@/lib/test-support/temp-data-dir";

// A new audit action cannot be forgotten: recording it without a sentence fails here.
const SKIP = /(^|\/)(node_modules|generated|test-support|\.next)(\/|$)|\.test\.tsx?$|lib\/audit-(words|sentence)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (SKIP.test(rel)) return [];
    if (e.isDirectory()) return sourceFiles(rel);
    return /\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

/**
 * Every action name the code records: quoted "area.verb" literals on a line that names an action
 * (`action: "..."`, `audit: { action: ... }`, a ternary after `action:`) or calls an audit helper.
 */
function recordedActions(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of [...sourceFiles("lib"), ...sourceFiles("app")]) {
    const lines = readFileSync(path.join(repoRoot, file), "utf8").split("\n");
    lines.forEach((line, i) => {
      const previous = lines[i - 1] ?? "";
      if (!/action|audit\w*\(/i.test(line) && !/action:\s*$/.test(previous)) return;
      for (const m of line.matchAll(/"([a-z][a-z0-9-]*\.[a-z][a-z0-9_-]*)"/g)) found.set(m[1], `${file}:${i + 1}`);
    });
  }
  return found;
}

test("every action the code records has a sentence", () => {
  const recorded = recordedActions();
  // The scan itself works: it finds actions recorded in several ways (literal, ternary, helper argument).
  for (const known of ["cert.issue", "cert.reissue", "ca.rotate", "auth.login_failed", "agent.failed", "cert.renew"]) {
    assert.ok(recorded.has(known), `the scan missed ${known}`);
  }
  assert.ok(recorded.size >= 40, `the scan found only ${recorded.size} actions`);
  const missing = [...recorded].filter(([action]) => !DESCRIBED_ACTIONS.includes(action));
  assert.deepEqual(
    missing.map(([action, where]) => `${action} (${where})`),
    [],
    "give these actions a sentence in lib/audit-sentences.ts",
  );
});

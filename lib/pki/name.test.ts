import assert from "node:assert/strict";
import { test } from "node:test";
import { InputError } from "@/lib/errors";
import { buildName } from "@/lib/pki/name";

function refusal(fn: () => unknown): { field: string; message: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    return { field: Object.keys(err.fieldErrors).join(","), message: err.message };
  }
  assert.fail("accepted");
}

const INVISIBLE = [
  "\u202a", // LEFT-TO-RIGHT EMBEDDING
  "\u202e", // RIGHT-TO-LEFT OVERRIDE
  "\u2066", // LEFT-TO-RIGHT ISOLATE
  "\u2069", // POP DIRECTIONAL ISOLATE
  "\u200b", // ZERO WIDTH SPACE
  "\u200d", // ZERO WIDTH JOINER
  "\ufeff", // ZERO WIDTH NO-BREAK SPACE
  "\u00ad", // SOFT HYPHEN
  "\u2028", // LINE SEPARATOR
  "\u2029", // PARAGRAPH SEPARATOR
  "\ue000", // private use
  "\u{10fffd}", // private use, plane 16
  "\u0378", // unassigned
  "\ud800", // a lone surrogate
];

test("buildName refuses bidi controls and other invisible characters in every field", () => {
  for (const ch of INVISIBLE) {
    for (const field of ["commonName", "organization", "organizationalUnit"] as const) {
      const input = { commonName: "Docker CA", [field]: `Docker${ch}CA` };
      const r = refusal(() => buildName(input));
      assert.equal(r.field, field, JSON.stringify(ch));
      assert.match(r.message, /^This cannot contain invisible, private-use or unassigned characters/);
    }
  }
});

test("buildName still refuses control characters, C1 ones included, with their own message", () => {
  for (const ch of ["\n", "\u0000", "\u007f", "\u0085", "\u009b"]) {
    assert.deepEqual(
      refusal(() => buildName({ commonName: `a${ch}b` })),
      {
        field: "commonName",
        message: "This cannot contain control characters.",
      },
    );
  }
});

test("buildName keeps letters of every script, spaces and emoji", () => {
  for (const name of ["Müller Root", "Докер", "ドッカー", "דוקר", "ci_runner@build", "Docker CA 🐳"]) {
    assert.equal(buildName({ commonName: name })[0].value, name);
  }
});

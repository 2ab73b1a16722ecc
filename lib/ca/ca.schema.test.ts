import assert from "node:assert/strict";
import { test } from "node:test";
import { caCreateSchema } from "@/lib/ca/ca.schema";

const errors = (input: Record<string, unknown>) => {
  const r = caCreateSchema.safeParse(input);
  return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [String(i.path[0]), i.message]));
};

test("subject fields refuse bidi controls, zero-width, separator, private-use and unassigned characters", () => {
  for (const ch of ["\u202e", "\u2067", "\u200b", "\u2060", "\u2028", "\u2029", "\ue000", "\u0378"]) {
    assert.deepEqual(errors({ commonName: `Docker${ch}CA` }), {
      commonName:
        "The common name cannot contain invisible, private-use or unassigned characters (such as bidi controls or zero-width spaces).",
    });
    assert.match(errors({ commonName: "Docker CA", organization: `Ex${ch}ample` }).organization ?? "", /invisible/);
    assert.match(
      errors({ commonName: "Docker CA", organizationalUnit: `O${ch}ps` }).organizationalUnit ?? "",
      /invisible/,
    );
  }
});

test("control characters keep their own message; ordinary Unicode names pass", () => {
  assert.deepEqual(errors({ commonName: "Docker\u0007CA" }), {
    commonName: "The common name cannot contain control characters.",
  });
  const ok = caCreateSchema.safeParse({
    commonName: "Müller Root 🐳",
    organization: "Bäckerei",
    organizationalUnit: "Ops",
  });
  assert.ok(ok.success);
});

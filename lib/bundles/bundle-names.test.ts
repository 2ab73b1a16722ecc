import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { buildClientBundle } from "@/lib/bundles/zip";
import { sampleHost } from "@/lib/test-support/bundle-hosts";
import { makeTestPki, type TestPki } from "@/lib/test-support/bundle-pki";
import { collect, unzip } from "@/lib/test-support/zip";

// Host names that are distinct in the inventory but not on every disk, or not once made into a
// docker context name (which cannot hold '@' and needs two characters).
const NAMES = ["Dock", "dock", "a@b", "a-b", "x", "x-docker"];

describe("client bundle names", () => {
  let pki: TestPki;
  before(() => {
    pki = makeTestPki();
  });

  it("gives every host its own env file and docker context, whatever the disk and the CLI accept", async () => {
    const hosts = NAMES.map((name, i) => sampleHost({ name, dnsNames: [`h${i}.example.com`] }));
    const zip = buildClientBundle({
      client: { name: "alice" },
      hosts,
      caCertPems: [pki.caPem],
      certPem: pki.clientCertPem,
      keyPem: pki.clientKeyPem,
    });
    const entries = await unzip(await collect(zip));
    const envFiles = [...entries.keys()].filter((n) => /\/env-.*\.sh$/.test(n));
    assert.equal(envFiles.length, NAMES.length);
    assert.equal(new Set(envFiles.map((n) => n.toLowerCase())).size, NAMES.length, envFiles.join(" "));

    const readme = entries.get("alice/README.txt")?.content ?? "";
    const contexts = [...readme.matchAll(/docker context create (\S+) /g)].map((m) => m[1]);
    assert.equal(contexts.length, NAMES.length);
    assert.equal(new Set(contexts.map((c) => c.toLowerCase())).size, NAMES.length, contexts.join(" "));
    for (const c of contexts) assert.match(c, /^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$/);
    // Each env file the README tells to source exists, and says its own name.
    for (const m of readme.matchAll(/source \.\/(env-\S+\.sh)/g)) {
      const file = entries.get(`alice/${m[1]}`)?.content;
      assert.ok(file, `${m[1]} is in the zip`);
      assert.match(file, new RegExp(`source \\./${m[1].replace(".", "\\.")}`));
    }
  });
});

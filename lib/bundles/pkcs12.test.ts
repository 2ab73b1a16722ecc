import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { createSecureContext } from "node:tls";
import { buildPkcs12, generatePassphrase } from "@/lib/bundles/pkcs12";
import { issueTestLeaf, makeTestPki } from "@/lib/test-support/bundle-pki";

// The .p12 is judged by OpenSSL 3 and Node's TLS, neither of which wrote it; the key and
// certificates are made with the openssl CLI (lib/test-support/bundle-pki.ts), RSA and ECDSA P-256.
const pki = makeTestPki();
const dir = pki.dir;
const read = (f: string) => readFileSync(path.join(dir, f), "utf8");
for (const key of ["rsa", "ec"] as const) issueTestLeaf(dir, key, "extendedKeyUsage=clientAuth", key);

function p12(name: string, passphrase: string): string {
  const file = path.join(dir, `${name}-${Math.random().toString(36).slice(2)}.p12`);
  const built = buildPkcs12({
    keyPem: read(`${name}-key.pem`),
    certPem: read(`${name}.pem`),
    caCertPems: [read("ca.pem")],
    passphrase,
    name: `${name}-client`,
  });
  writeFileSync(file, built);
  return file;
}

for (const name of ["rsa", "ec"]) {
  test(`${name}: OpenSSL 3 opens it with the passphrase, and only with it`, () => {
    const passphrase = "pässwörd with spaces";
    const file = p12(name, passphrase);
    const info = spawnSync("openssl", ["pkcs12", "-info", "-in", file, "-passin", `pass:${passphrase}`, "-noenc"], {
      encoding: "utf8",
    });
    assert.equal(info.status, 0, info.stderr);
    assert.match(info.stderr, /MAC: sha256/);
    assert.match(info.stderr, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/);
    assert.doesNotMatch(info.stderr, /RC2|3DES|DES-EDE/);
    assert.match(info.stdout, /friendlyName: .*-client/);
    assert.equal((info.stdout.match(/BEGIN CERTIFICATE/g) ?? []).length, 2, "the leaf and its CA");
    assert.match(info.stdout, /BEGIN PRIVATE KEY/);
    // The key that comes out is the certificate's.
    const key = execFileSync("openssl", ["pkey", "-pubout"], {
      input: info.stdout.slice(info.stdout.indexOf("-----BEGIN PRIVATE KEY")),
    });
    const certKey = execFileSync("openssl", ["x509", "-noout", "-pubkey", "-in", path.join(dir, `${name}.pem`)]);
    assert.equal(key.toString(), certKey.toString());

    const wrong = spawnSync("openssl", ["pkcs12", "-in", file, "-passin", "pass:not it", "-noenc"], {
      encoding: "utf8",
    });
    assert.notEqual(wrong.status, 0);
    assert.match(wrong.stderr, /mac verify (failure|error)/i);
  });

  test(`${name}: Node's TLS loads it as a client identity`, () => {
    const passphrase = generatePassphrase();
    const pfx = readFileSync(p12(name, passphrase));
    assert.doesNotThrow(() => createSecureContext({ pfx, passphrase }));
    assert.throws(() => createSecureContext({ pfx, passphrase: `${passphrase}x` }));
  });
}

test("a key that is not the certificate's is refused", () => {
  assert.throws(
    () =>
      buildPkcs12({
        keyPem: read("ec-key.pem"),
        certPem: read("rsa.pem"),
        caCertPems: [],
        passphrase: "x".repeat(12),
        name: "mismatch",
      }),
    /does not belong/,
  );
});

test("generated passphrases: 20 characters, easy to read, never the same", () => {
  const seen = new Set(Array.from({ length: 200 }, generatePassphrase));
  assert.equal(seen.size, 200);
  for (const p of seen) assert.match(p, /^[a-hj-km-np-z2-9]{20}$/);
});

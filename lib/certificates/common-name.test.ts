import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

// A server certificate's common name is for people (Docker matches the SANs), and a DNS name may be
// up to 253 characters where a common name is at most 64: a long first name must not stop issuing.
const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { createHost } = await import("@/lib/inventory/hosts");
const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
const { issueHostCertificate } = await import("@/lib/certificates/certificates");

const actor = { kind: "cli" } as const;
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

test("a host whose first DNS name is longer than a common name may be gets its certificate, every name in the SANs", async () => {
  await createCertificateAuthority(actor, {
    commonName: "CN CA",
    organization: undefined,
    organizationalUnit: undefined,
    keyType: "ecdsa-p256",
    days: 365,
  });
  const long = `${"a".repeat(60)}.docker.example.com`;
  const san = (pem: string) => new X509Certificate(pem).subjectAltName ?? "";

  const withShort = await createHost(
    actor,
    hostCreateSchema.parse({ name: "long-1", dnsNames: [long, "docker1.example.com"] }),
  );
  const first = await issueHostCertificate(actor, withShort.id, {});
  assert.equal(first.commonName, "docker1.example.com", "the first DNS name that fits");
  assert.match(san(first.certPem), new RegExp(`DNS:${long}`));

  const onlyLong = await createHost(actor, hostCreateSchema.parse({ name: "long-2", dnsNames: [long] }));
  const second = await issueHostCertificate(actor, onlyLong.id, {});
  assert.equal(second.commonName, "long-2", "else the host's name");
  assert.match(new X509Certificate(second.certPem).subject, /CN=long-2/);
  assert.match(san(second.certPem), new RegExp(`DNS:${long}`));
});

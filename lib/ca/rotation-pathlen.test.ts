import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

// A rotation away from an imported root whose pathlen is 0: it may sign the cross certificate that
// lets agents accept the new CA, but no chain leaf -> cross -> old root is valid (one CA too many
// below it), so the new CA's certificates must not lean on it.
const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createCertificateAuthority, importCertificateAuthority } = await import("@/lib/ca/cas");
const { caImportSchema } = await import("@/lib/ca/ca.schema");
const { unvouchedRotation } = await import("@/lib/ca/rotation");
const { createClient } = await import("@/lib/inventory/clients");
const { issueClientCertificate } = await import("@/lib/certificates/certificates");
const { renewCertificate } = await import("@/lib/renewal/renew");
const { renewCanonical } = await import("@/lib/renewal/proof");

const actor = { kind: "cli" } as const;
const dir = mkdtempSync(join(tmpdir(), "dockpki-pathlen-"));
after(async () => {
  await db.$disconnect();
  env.cleanup();
  rmSync(dir, { recursive: true, force: true });
});
const openssl = (args: string[]) => execFileSync("openssl", args, { cwd: dir, encoding: "utf8", stdio: "pipe" });
const verifies = (caFile: string, certFile: string) =>
  spawnSync("openssl", ["verify", "-CAfile", caFile, "-untrusted", certFile, "-purpose", "sslclient", certFile], {
    cwd: dir,
  }).status === 0;

function agentKey(name: string): { keyPem: string; csr: string; csrPem: string } {
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", `${name}.key`]);
  const csrPem = openssl(["req", "-new", "-key", `${name}.key`, "-subj", `/CN=${name}`]);
  const der = execFileSync("openssl", ["req", "-in", "-", "-outform", "DER"], { cwd: dir, input: csrPem });
  return { keyPem: readFileSync(join(dir, `${name}.key`), "utf8"), csr: der.toString("base64"), csrPem };
}

test("a rotation from a root with pathlen:0: the cross reaches agents, never the new CA's chains", async () => {
  writeFileSync(
    join(dir, "root.cnf"),
    "[req]\ndistinguished_name=dn\nx509_extensions=v3\nprompt=no\n[dn]\nCN=Tight Root\n[v3]\nbasicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n",
  );
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "root-key.pem"]);
  openssl(["req", "-new", "-x509", "-key", "root-key.pem", "-config", "root.cnf", "-days", "3650", "-out", "old.pem"]);
  const { ca: old } = await importCertificateAuthority(
    actor,
    caImportSchema.parse({
      certPem: readFileSync(join(dir, "old.pem"), "utf8"),
      keyPem: readFileSync(join(dir, "root-key.pem"), "utf8"),
    }),
  );
  const agent = await createClient(actor, { name: "agent", kind: "ci", notes: "" });
  const first = agentKey("agent");
  const current = await issueClientCertificate(actor, agent.id, { csrPem: first.csrPem });

  const next = await createCertificateAuthority(
    actor,
    {
      commonName: "Roomy CA",
      organization: undefined,
      organizationalUnit: undefined,
      keyType: "ecdsa-p256",
      days: 365,
    },
    "rotate",
  );
  const cross = (await db.certificateAuthority.findUniqueOrThrow({ where: { id: next.id } })).crossCertPem;
  assert.ok(cross, "the old root vouches for the new one, for agents");
  writeFileSync(join(dir, "cross.pem"), cross);
  assert.match(openssl(["verify", "-CAfile", "old.pem", "cross.pem"]), /OK/, "checked alone, as agents do");

  // what the new CA issues carries no cross: in a chain it would be one CA too many below pathlen:0
  const other = await createClient(actor, { name: "other", kind: "ci", notes: "" });
  const issued = await issueClientCertificate(actor, other.id, { csrPem: agentKey("other").csrPem });
  assert.equal(issued.certPem.split("BEGIN CERTIFICATE").length - 1, 1);
  writeFileSync(join(dir, "with-cross.pem"), issued.certPem + cross);
  assert.equal(verifies("old.pem", "with-cross.pem"), false, "the old root's pathlen refuses the chain");

  // so agents renew under the old CA until everyone trusts both, and take the new CA through the cross
  const rotation = await unvouchedRotation();
  assert.deepEqual([rotation?.previousCaId, rotation?.agentsCanFollow], [old.id, true]);
  const time = Math.floor(Date.now() / 1000);
  const csr = agentKey("agent-2").csr;
  const signature = sign(
    "sha256",
    Buffer.from(renewCanonical(current.serial, time, Buffer.from(csr, "base64"))),
    first.keyPem,
  );
  const renewed = await renewCertificate({
    serial: current.serial,
    time,
    csr,
    signature: signature.toString("base64"),
  });
  assert.equal(renewed.certificate.caId, old.id);
  assert.deepEqual([renewed.caPems.length, renewed.crossPems.length], [2, 1]);
  writeFileSync(join(dir, "renewed.pem"), renewed.certificate.certPem);
  assert.ok(verifies("old.pem", "renewed.pem"), "every peer on the old ca.pem accepts it");
});

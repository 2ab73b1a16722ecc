import "server-only";
import { createPublicKey } from "node:crypto";
import { actorLabel, type Principal, recordAudit } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import type { IntermediateActivateInput, IntermediateRequestInput } from "@/lib/ca/ca.schema";
import { assertCanStore, storeCa } from "@/lib/ca/cas";
import { seal, unseal } from "@/lib/crypto/seal";
import { db } from "@/lib/db";
import { ConflictError } from "@/lib/errors";
import { listAllHosts } from "@/lib/inventory/hosts";
import { hostCertificateNames } from "@/lib/inventory/hosts.schema";
import { buildCaRequest, checkIntermediate, intermediateSigningCommand } from "@/lib/pki/intermediate";
import { chooseKeySpec } from "@/lib/pki/key-types";
import { generateKeyPair } from "@/lib/pki/keys";
import { buildName } from "@/lib/pki/name";

// An offline root: the key that can mint any Docker credential stays off this machine. dockpki
// makes the issuing CA's key and a CSR; the admin signs it with the root where the root lives and
// uploads the certificate with the root's certificate (never its key). Leaves are then issued by
// the intermediate: cert.pem carries leaf + intermediate, ca.pem the root.

const boundTo = (id: string) => `pending-ca:${id}`;

/** Whether the next activation starts the first CA or rotates the active one. */
async function modeNow() {
  return (await db.certificateAuthority.count({ where: { status: "active" } })) > 0 ? "rotate" : "first";
}

/**
 * Makes the issuing CA's key (sealed, waiting) and its CSR; a request made before is replaced.
 * Answers the CSR and the openssl command that signs it with the offline root.
 */
export async function requestIntermediate(actor: Principal, input: IntermediateRequestInput) {
  authorize(actor, "ca");
  buildName({ commonName: input.commonName }); // refuses a bad name before the key is made
  const mode = await modeNow();
  await assertCanStore(db, mode);
  const key = chooseKeySpec(input, { keyType: "ecdsa-p256", keySize: 4096 });
  const pair = await generateKeyPair(key);
  const csrPem = buildCaRequest({
    commonName: input.commonName,
    keyPem: pair.privateKeyPem,
    publicKeyPem: pair.publicKeyPem,
  });
  const id = crypto.randomUUID();
  await db.$transaction(async (tx) => {
    await tx.pendingCa.deleteMany({});
    await tx.pendingCa.create({
      data: {
        id,
        commonName: input.commonName,
        keyType: key.keyType,
        keySize: key.keySize,
        days: input.days,
        csrPem,
        keySealed: seal(pair.privateKeyPem, boundTo(id)),
        createdBy: actorLabel(actor),
      },
    });
    await recordAudit(tx, {
      actor,
      action: "ca.intermediate-request",
      target: input.commonName,
      detail: { keyType: key.keyType, keySize: key.keySize, days: input.days, mode },
    });
  });
  return { csrPem, opensslCommand: intermediateSigningCommand(input.days), mode };
}

/** The request waiting for its signed certificate, if any (without its key). */
export async function getPendingIntermediate() {
  const pending = await db.pendingCa.findFirst({
    select: {
      id: true,
      commonName: true,
      keyType: true,
      keySize: true,
      days: true,
      csrPem: true,
      createdAt: true,
      createdBy: true,
    },
  });
  return pending ? { ...pending, opensslCommand: intermediateSigningCommand(pending.days) } : null;
}

/**
 * Activates the waiting issuing CA with the certificate the offline root signed: it becomes the
 * first CA, or the successor in a rotation. Refused (400, on certPem or rootPem) when the
 * certificate is not for the waiting key, is not a CA, or does not chain to rootPem.
 */
export async function activateIntermediate(actor: Principal, input: IntermediateActivateInput) {
  authorize(actor, "ca");
  const pending = await db.pendingCa.findFirst();
  if (!pending) {
    throw new ConflictError("No intermediate CA is waiting for its certificate: make the request (CSR) first.");
  }
  const keyPem = unseal(pending.keySealed, boundTo(pending.id));
  const publicKeyPem = createPublicKey(keyPem).export({ type: "spki", format: "pem" }).toString();
  const hosts = (await listAllHosts()).map((h) => ({ name: h.name, ...hostCertificateNames(h) }));
  const checked = checkIntermediate({ certPem: input.certPem, rootPem: input.rootPem, publicKeyPem, hosts });
  const mode = await modeNow();
  await assertCanStore(db, mode);
  const ca = await storeCa(
    actor,
    { certPem: checked.certPem, keyPem, rootCertPem: checked.rootPem },
    false,
    mode,
    async (tx) => {
      const { count } = await tx.pendingCa.deleteMany({ where: { id: pending.id } });
      if (count !== 1) throw new ConflictError("This request was replaced or activated meanwhile; start again.");
    },
  );
  return { ca, warnings: checked.warnings, mode };
}

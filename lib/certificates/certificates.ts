import "server-only";
import { randomUUID } from "node:crypto";
import { actorLabel, type Principal, recordAudit } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { loadActiveCaSigner, loadCaSigner } from "@/lib/ca/cas";
import type { IssueInput } from "@/lib/certificates/certificates.schema";
import { issuanceSlots } from "@/lib/certificates/issue-slots";
import {
  claimPooledKey,
  generateRequestKey,
  type KeySource,
  PooledKeyTaken,
  releasePooledKey,
  takePooledKey,
} from "@/lib/certificates/key-pool";
import type { CertificateQuery } from "@/lib/certificates/query.schema";
import { revokeCertificate } from "@/lib/certificates/revocations";
import { seal } from "@/lib/crypto/seal";
import { db, type Tx } from "@/lib/db";
import { likeLiteral } from "@/lib/db-like";
import { lockRow } from "@/lib/db-sql";
import { ConflictError, InputError, NotFoundError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { getClient } from "@/lib/inventory/clients";
import { getHost } from "@/lib/inventory/hosts";
import { hostCertificateNames, hostCommonName } from "@/lib/inventory/hosts.schema";
import { observeIssuance } from "@/lib/monitoring/metrics";
import { parseCsr } from "@/lib/pki/csr";
import { chooseKeySpec, type KeySpec, type KeyType, keySpec } from "@/lib/pki/key-types";
import { generateKeyPair, spkiSha256 } from "@/lib/pki/keys";
import { buildClientCertificate, buildServerCertificate, type IssuedCertificate } from "@/lib/pki/profiles";
import { defaultLifetimeDays } from "@/lib/renewal/lifetime";
import { getSettings } from "@/lib/settings";
import type { Settings } from "@/lib/settings.schema";

/** What pages and the API may see of a certificate: never its key. */
export const CERT_PUBLIC_FIELDS = {
  id: true,
  kind: true,
  caId: true,
  hostId: true,
  clientId: true,
  serial: true,
  commonName: true,
  subject: true,
  dnsNames: true,
  ipAddresses: true,
  extKeyUsage: true,
  keyType: true,
  keySize: true,
  notBefore: true,
  notAfter: true,
  fingerprint: true,
  certPem: true,
  status: true,
  revokedAt: true,
  revocationReason: true,
  supersededById: true,
  createdAt: true,
  issuedBy: true,
  purpose: true,
  // Public (a CSR holds no secret); only whether there is one is passed on.
  csrPem: true,
} as const;

interface KeyMaterial {
  publicKeyPem: string;
  publicKeySha256: string;
  privateKeyPem: string | null;
  key: KeySpec;
  csrPem: string | null;
  /** A key from the pool: its row is deleted in the transaction that stores the certificate. */
  poolId?: string;
}

/** Refuses a public key that a certificate revoked for keyCompromise carried: it is known to others. */
export async function assertKeyNotCompromised(
  publicKeySha256: string,
  field = "csrPem",
  client: Tx | typeof db = db,
): Promise<void> {
  const compromised = await client.certificate.findFirst({
    where: { publicKeySha256, status: "revoked", revocationReason: "keyCompromise" },
    select: { serial: true },
  });
  if (compromised) {
    throw InputError.forField(
      field,
      `This public key belongs to certificate ${compromised.serial}, which was revoked because its key was compromised. Make a new key and a new CSR.`,
    );
  }
}

/** A fresh key pair (from the pool when it has one), or the public key of a CSR (whose private key
 * never leaves its owner). */
async function keyMaterial(csrPem: string | undefined, spec: KeySpec, keys?: KeySource): Promise<KeyMaterial> {
  if (csrPem) {
    const csr = parseCsr(csrPem);
    const publicKeySha256 = spkiSha256(csr.publicKeyPem);
    await assertKeyNotCompromised(publicKeySha256);
    return { publicKeyPem: csr.publicKeyPem, publicKeySha256, privateKeyPem: null, key: csr.key, csrPem };
  }
  const pooled = await takePooledKey(spec);
  // this issuance runs in a turn of issuanceSlots: others holding or awaiting one, or a bulk job, will want a core
  const othersIssuing = issuanceSlots.othersIssuing();
  const pair =
    pooled ??
    (spec.keyType !== "rsa"
      ? await generateKeyPair(spec)
      : keys
        ? await keys.take(spec)
        : await generateRequestKey(spec, { othersIssuing }));
  return {
    publicKeyPem: pair.publicKeyPem,
    publicKeySha256: spkiSha256(pair.publicKeyPem),
    privateKeyPem: pair.privateKeyPem,
    key: spec,
    csrPem: null,
    poolId: pooled?.poolId,
  };
}

/**
 * Builds and stores a certificate with a new key; when another instance used the same pooled key
 * first, once more with another (the pool never puts one key into two certificates).
 */
async function withKey<T>(
  csrPem: string | undefined,
  spec: KeySpec,
  keys: KeySource | undefined,
  issue: (key: KeyMaterial) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const key = await keyMaterial(csrPem, spec, keys);
    try {
      return await issue(key);
    } catch (err) {
      if (!(err instanceof PooledKeyTaken) || attempt >= 3) throw err;
    } finally {
      if (key.poolId) releasePooledKey(key.poolId);
    }
  }
}

interface NewCertificate {
  kind: "server" | "client";
  hostId?: string;
  clientId?: string;
  /** The dashboard's own monitoring certificate: one active per CA, held by no host or client. */
  purpose?: "monitor";
  caId: string;
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  extKeyUsage: string[];
  key: KeyMaterial;
  built: IssuedCertificate;
  /** What cert.pem carries after the leaf: the issuing CA when it is an intermediate, and during a
   * rotation the cross certificate (lib/ca/cas.ts). */
  chainPem: string;
}

/** How an issuance relates to the one it replaces, and what else must happen in its transaction. */
export interface IssueOptions {
  /** The certificate this one re-issues (audited as cert.reissue). */
  replaces?: string;
  /** Revoke the replaced certificate (reason "superseded") as well as superseding it. */
  revokeReplaced?: boolean;
  /** The audit event's action and address, when not cert.issue/cert.reissue (an agent's cert.renew). */
  audit?: { action: string; ip?: string | null };
  /** Where a key made here comes from when the pool has none (a bulk job's worker: keysAhead). */
  keys?: KeySource;
  /** Runs in the same transaction, e.g. to mark a bulk job's item done. */
  afterStore?: (tx: Tx, cert: { id: string }) => Promise<void>;
  /** Sign with this trusted CA rather than the active one (the previous CA, during a rotation that
   * no cross certificate vouches for: lib/ca/rotation.ts unvouchedRotation). */
  caId?: string;
}

/** The CA an issuance signs with: the active one unless the options name another trusted one. */
const issuingCa = (opts: IssueOptions) => (opts.caId ? loadCaSigner(opts.caId) : loadActiveCaSigner());

/** Stores a new certificate and supersedes the holder's previous one, in one transaction. */
async function storeCertificate(actor: Principal, c: NewCertificate, opts: IssueOptions) {
  const id = randomUUID();
  const keySealed = c.key.privateKeyPem ? seal(c.key.privateKeyPem, `certificate:${id}`) : null;
  return db.$transaction(async (tx) => {
    const holder = c.purpose
      ? { purpose: c.purpose, caId: c.caId }
      : c.hostId
        ? { hostId: c.hostId }
        : { clientId: c.clientId };
    if (!c.purpose && !c.hostId && !c.clientId) throw new Error("A certificate needs a holder.");
    // One active certificate per holder, with several instances too: on PostgreSQL a concurrent issuance for
    // the same holder waits here until this one commits, then supersedes what this one stored.
    if (c.hostId) await lockRow(tx, "Host", c.hostId);
    else if (c.clientId) await lockRow(tx, "Client", c.clientId);
    else await lockRow(tx, "CertificateAuthority", c.caId);
    // A write first: SQLite then holds the write lock, so a second process (the CLI beside the
    // dashboard) waits for it instead of deadlocking on a read that wants to become a write.
    await tx.certificate.updateMany({
      where: { ...holder, status: "active" },
      data: { status: "superseded", supersededById: id },
    });
    // Again here, under the lock: a key compromise another process revoked since must win. Only a
    // CSR's key can have been in a certificate before; a key made here (or pooled) is in none yet.
    if (c.key.csrPem) await assertKeyNotCompromised(c.key.publicKeySha256, "csrPem", tx);
    if (c.key.poolId) await claimPooledKey(tx, c.key.poolId);
    // The CA that signed it is still trusted (a retirement may have committed since it was loaded):
    // a certificate of a retired CA would go out with a ca.pem that no longer holds its issuer.
    if (
      (await tx.certificateAuthority.count({ where: { id: c.caId, status: { in: ["active", "previous"] } } })) === 0
    ) {
      throw new ConflictError("The CA changed while this certificate was made; try again.");
    }
    const cert = await tx.certificate.create({
      data: {
        id,
        kind: c.kind,
        caId: c.caId,
        hostId: c.hostId ?? null,
        clientId: c.clientId ?? null,
        serial: c.built.serial,
        commonName: c.commonName,
        subject: `CN=${c.commonName}`,
        dnsNames: JSON.stringify(c.dnsNames),
        ipAddresses: JSON.stringify(c.ipAddresses),
        extKeyUsage: c.extKeyUsage.join(","),
        keyType: c.key.key.keyType,
        keySize: c.key.key.keySize,
        notBefore: c.built.notBefore,
        notAfter: c.built.notAfter,
        fingerprint: c.built.fingerprint,
        publicKeySha256: c.key.publicKeySha256,
        certPem: c.built.certPem + c.chainPem,
        keySealed,
        csrPem: c.key.csrPem,
        issuedBy: actorLabel(actor),
        purpose: c.purpose ?? "",
      },
      select: CERT_PUBLIC_FIELDS,
    });
    await recordAudit(tx, {
      actor,
      action: opts.audit?.action ?? (opts.replaces ? "cert.reissue" : "cert.issue"),
      ip: opts.audit?.ip,
      target: c.commonName,
      detail: {
        id,
        kind: c.kind,
        serial: cert.serial,
        notAfter: cert.notAfter,
        fromCsr: !!c.key.csrPem,
        keyType: c.key.key.keyType,
        keySize: c.key.key.keySize,
        replaces: opts.replaces,
      },
    });
    if (opts.replaces && opts.revokeReplaced) {
      const replaced = await tx.certificate.findUnique({ where: { id: opts.replaces }, select: { status: true } });
      if (replaced && replaced.status !== "revoked") await revokeCertificate(actor, opts.replaces, "superseded", tx);
    }
    await opts.afterStore?.(tx, cert);
    return toCertificate(cert);
  });
}

/** Runs an issuance in its turn (issuanceSlots) and times it, the wait included, for the metrics. */
async function timedIssuance<T>(kind: "server" | "client", input: IssueInput, issue: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await issuanceSlots.run(issue);
  observeIssuance(kind, input.csrPem ? "csr" : "keygen", (performance.now() - started) / 1000);
  return result;
}

/** An admin or token needs the issue permission; a holder's agent may renew its own certificate only. */
function authorizeIssue(actor: Principal, holder: { kind: "host" | "client"; id: string }, opts: IssueOptions) {
  if (actor.kind === holder.kind && actor.id === holder.id && !opts.revokeReplaced) return;
  authorize(actor, "issue");
  if (opts.revokeReplaced) authorize(actor, "revoke");
}

export async function issueHostCertificate(
  actor: Principal,
  hostId: string,
  input: IssueInput,
  opts: IssueOptions = {},
) {
  authorizeIssue(actor, { kind: "host", id: hostId }, opts);
  return timedIssuance("server", input, () => issueHost(actor, hostId, input, opts));
}

async function issueHost(actor: Principal, hostId: string, input: IssueInput, opts: IssueOptions) {
  const host = await getHost(hostId);
  const { dnsNames, ipAddresses } = hostCertificateNames(host);
  const [settings, ca] = await Promise.all([getSettings(), issuingCa(opts)]);
  const spec = leafKeySpec(input, host, settings);
  const clientAuth = host.role === "swarm-manager";
  const commonName = hostCommonName(host);
  return withKey(input.csrPem, spec, opts.keys, async (key) => {
    const built = await buildServerCertificate({
      publicKeyPem: key.publicKeyPem,
      ca,
      commonName,
      dnsNames,
      ipAddresses,
      days: input.days ?? defaultLifetimeDays("server", settings, host.renewalEnabled),
      clientAuth,
    });
    return storeCertificate(
      actor,
      {
        kind: "server",
        hostId,
        caId: ca.id,
        commonName,
        dnsNames,
        ipAddresses,
        extKeyUsage: clientAuth ? ["serverAuth", "clientAuth"] : ["serverAuth"],
        key,
        built,
        chainPem: ca.chainPem,
      },
      opts,
    );
  });
}

export async function issueClientCertificate(
  actor: Principal,
  clientId: string,
  input: IssueInput,
  opts: IssueOptions = {},
) {
  authorizeIssue(actor, { kind: "client", id: clientId }, opts);
  return timedIssuance("client", input, () => issueClient(actor, clientId, input, opts));
}

async function issueClient(actor: Principal, clientId: string, input: IssueInput, opts: IssueOptions) {
  const client = await getClient(clientId);
  const [settings, ca] = await Promise.all([getSettings(), issuingCa(opts)]);
  return withKey(input.csrPem, leafKeySpec(input, client, settings), opts.keys, async (key) => {
    const built = await buildClientCertificate({
      publicKeyPem: key.publicKeyPem,
      ca,
      commonName: client.name,
      days: input.days ?? defaultLifetimeDays("client", settings, client.renewalEnabled),
    });
    return storeCertificate(
      actor,
      {
        kind: "client",
        clientId,
        caId: ca.id,
        commonName: client.name,
        dnsNames: [],
        ipAddresses: [],
        extKeyUsage: ["clientAuth"],
        key,
        built,
        chainPem: ca.chainPem,
      },
      opts,
    );
  });
}

/** A request's key type first, then the holder's, then the settings'. */
function leafKeySpec(input: IssueInput, holder: { keyType: string | null }, settings: Settings): KeySpec {
  return chooseKeySpec(
    { keyType: input.keyType, keySize: input.keySize },
    { keyType: holder.keyType as KeyType | null },
    { keyType: settings.leafKeyType, keySize: settings.leafKeySize },
  );
}

/** The common name of the dashboard's monitoring client certificate (live probes). */
export const MONITOR_COMMON_NAME = "dockpki-monitor";

/**
 * Issues the dashboard's monitoring client certificate under the CA `caId` (clientAuth, CN
 * dockpki-monitor), superseding the one before it. Its key is sealed like every other.
 */
export async function issueMonitorCertificate(caId: string, days: number) {
  const ca = await loadCaSigner(caId);
  // The dashboard's own key: ECDSA P-256 whatever the fleet uses (Go and node:tls take it from any CA).
  return withKey(undefined, keySpec("ecdsa-p256"), undefined, async (key) => {
    const built = await buildClientCertificate({
      publicKeyPem: key.publicKeyPem,
      ca,
      commonName: MONITOR_COMMON_NAME,
      days,
    });
    return storeCertificate(
      { kind: "system" },
      {
        kind: "client",
        purpose: "monitor",
        caId: ca.id,
        commonName: MONITOR_COMMON_NAME,
        dnsNames: [],
        ipAddresses: [],
        extKeyUsage: ["clientAuth"],
        key,
        built,
        chainPem: ca.chainPem,
      },
      {},
    );
  });
}

/** Every certificate a host or client has had, newest first. */
export async function listHolderCertificates(holder: { hostId: string } | { clientId: string }) {
  const rows = await db.certificate.findMany({
    where: holder,
    orderBy: { createdAt: "desc" },
    select: CERT_PUBLIC_FIELDS,
  });
  return rows.map(toCertificate);
}

type CertificateRow = Prisma.CertificateGetPayload<{ select: typeof CERT_PUBLIC_FIELDS }>;

function toCertificate({ csrPem, ...row }: CertificateRow) {
  return {
    ...row,
    dnsNames: JSON.parse(row.dnsNames) as string[],
    ipAddresses: JSON.parse(row.ipAddresses) as string[],
    extKeyUsage: row.extKeyUsage ? row.extKeyUsage.split(",") : [],
    keyType: row.keyType as KeyType,
    fromCsr: csrPem !== null,
  };
}

export type Certificate = ReturnType<typeof toCertificate>;

export async function listCertificates(q: CertificateQuery, now = new Date()) {
  const where: Prisma.CertificateWhereInput = {};
  const until = new Date(now.getTime() + q.days * 86_400_000);
  if (q.status === "active") Object.assign(where, { status: "active", notAfter: { gt: now } });
  if (q.status === "expiring") Object.assign(where, { status: "active", notAfter: { gt: now, lte: until } });
  if (q.status === "expired") Object.assign(where, { status: "active", notAfter: { lte: now } });
  if (q.status === "revoked" || q.status === "superseded") where.status = q.status;
  if (q.kind !== "all") where.kind = q.kind;
  // Beside the status's own notAfter bound, not in place of it (AND keeps both).
  if (q.expiresFrom || q.expiresTo) {
    where.AND = {
      notAfter: {
        ...(q.expiresFrom ? { gte: new Date(`${q.expiresFrom}T00:00:00Z`) } : {}),
        ...(q.expiresTo ? { lt: new Date(new Date(`${q.expiresTo}T00:00:00Z`).getTime() + 86_400_000) } : {}),
      },
    };
  }
  if (q.q) {
    const text = likeLiteral(q.q);
    where.OR = [{ commonName: { contains: text } }, { serial: { startsWith: text.toLowerCase() } }];
  }
  // The query schema chose the default: what expires first for the lists that are about time.
  const orderBy: Prisma.CertificateOrderByWithRelationInput =
    q.sort === "expiry"
      ? { notAfter: q.dir }
      : q.sort === "name"
        ? { commonName: q.dir }
        : q.sort === "ca"
          ? { ca: { commonName: q.dir } }
          : { createdAt: q.dir };
  const [total, rows] = await Promise.all([
    db.certificate.count({ where }),
    db.certificate.findMany({
      where,
      orderBy,
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
      select: {
        ...CERT_PUBLIC_FIELDS,
        host: { select: { name: true } },
        client: { select: { name: true } },
        ca: { select: { commonName: true } },
      },
    }),
  ]);
  return {
    total,
    rows: rows.map(({ host, client, ca, ...r }) => ({
      ...toCertificate(r),
      holderName: host?.name ?? client?.name ?? null,
      caName: ca.commonName,
    })),
  };
}

export async function getCertificate(id: string) {
  const row = await db.certificate.findUnique({ where: { id }, select: CERT_PUBLIC_FIELDS });
  if (!row) throw new NotFoundError("That certificate does not exist.");
  return toCertificate(row);
}

/** Certificates stored before dockpki kept their key's hash get it (at start-up, in batches). */
export async function backfillPublicKeyHashes(batch = 2000): Promise<number> {
  let done = 0;
  for (;;) {
    const rows = await db.certificate.findMany({
      where: { publicKeySha256: null },
      select: { id: true, certPem: true },
      take: batch,
    });
    if (rows.length === 0) return done;
    // One statement per batch: an update per row costs ~1 ms each through Prisma (46 s for 50,000).
    const values = Prisma.join(rows.map((r) => Prisma.sql`(${r.id}, ${spkiSha256(r.certPem)})`));
    // VALUES columns are column1, column2 in SQLite and PostgreSQL alike.
    await db.$executeRaw`UPDATE "Certificate" SET "publicKeySha256" = "v"."hash"
      FROM (SELECT "column1" AS "id", "column2" AS "hash" FROM (VALUES ${values}) AS "x") AS "v"
      WHERE "Certificate"."id" = "v"."id"`;
    done += rows.length;
  }
}

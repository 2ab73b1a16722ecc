// Fills a data directory fast: rows go in with createMany, not through issuance, so 50,000
// certificates take seconds. Every row reuses one real certificate PEM, but each has its own
// serial, fingerprint and a key sealed to its own id, so rows are as wide as real ones (the
// status and createdAt columns sit behind certPem and keySealed, which matters to full scans).
import { randomBytes, randomUUID } from "node:crypto";
import { loadActiveCaSigner } from "@/lib/ca/cas";
import { seal } from "@/lib/crypto/seal";
import { db } from "@/lib/db";
import { generateRsaKeyPair } from "@/lib/pki/keys";
import { buildServerCertificate } from "@/lib/pki/profiles";

const DAY_MS = 86_400_000;
const CHUNK = 500;

export interface SeedCounts {
  hosts: number;
  clients: number;
  /** Spread over the hosts (about 90%) and the clients. */
  certificates: number;
}

/** A deterministic pseudo-random sequence, so every run seeds the same spread. */
function sequence(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/** Hosts `host-1`..`host-N` and clients `client-1`..`client-N`, created over the past two years. */
async function seedHolders(counts: SeedCounts, now: Date, random: () => number) {
  const createdAt = () => new Date(now.getTime() - Math.floor(random() * 730 * DAY_MS));
  const labels = ["prod", "staging", "ci", "edge", "build farm"];
  const hosts = Array.from({ length: counts.hosts }, (_, k) => {
    const i = k + 1;
    return {
      id: randomUUID(),
      name: `host-${i}`,
      nameKey: `host-${i}`,
      dnsNames: JSON.stringify([`host-${i}.dc${i % 4}.example.com`]),
      ipAddresses: JSON.stringify([`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`]),
      configStyle: i % 3 === 0 ? "daemon-json" : "systemd",
      labels: labels[i % labels.length],
      createdAt: createdAt(),
    };
  });
  const kinds = ["person", "ci", "service"];
  const clients = Array.from({ length: counts.clients }, (_, k) => ({
    id: randomUUID(),
    name: `client-${k + 1}`,
    nameKey: `client-${k + 1}`,
    kind: kinds[k % kinds.length],
    createdAt: createdAt(),
  }));
  await insertChunked(hosts, (data) => db.host.createMany({ data }));
  await insertChunked(clients, (data) => db.client.createMany({ data }));
  return { hostIds: hosts.map((h) => h.id), clientIds: clients.map((c) => c.id) };
}

/**
 * How many certificates each holder has had: 5% of hosts and 75% of clients never got one, the
 * others share the total (hosts ~4.7 each), one after the other.
 */
function chainLengths(holders: number, certificates: number, neverIssued: number, random: () => number): number[] {
  const issued = holders - Math.round(holders * neverIssued);
  const base = Math.floor(certificates / issued);
  let extra = certificates - base * issued;
  return Array.from({ length: holders }, (_, i) => {
    if (i >= issued) return 0;
    if (extra > 0 && random() < extra / (issued - i)) {
      extra--;
      return base + 1;
    }
    return base;
  });
}

/**
 * The current (last) certificate of a holder: 96% active, 4% revoked; of the active ones ~2%
 * expired in the last 60 days, ~3% expire within 30 days (a few hundred), the rest within 31..400
 * days. Older ones are superseded (10% of them also revoked), their notAfter spread over -60..400.
 */
function certificateRows(
  holder: { kind: "server" | "client"; hostId?: string; clientId?: string; name: string },
  count: number,
  template: { caId: string; certPem: string; keyPem: string },
  now: Date,
  random: () => number,
) {
  const at = (days: number) => new Date(now.getTime() + days * DAY_MS);
  const kind = holder.kind;
  return Array.from({ length: count }, (_, j) => {
    const current = j === count - 1;
    const r = random();
    let notAfterDays = -60 + random() * 460;
    if (current) notAfterDays = r < 0.02 ? -60 * random() : r < 0.05 ? 30 * random() : 31 + 369 * random();
    const revoked = current ? random() < 0.04 : random() < 0.1;
    const createdAt = at(-(count - j) * 45 - random() * 20);
    const id = randomUUID();
    const serial = randomBytes(16);
    serial[0] = (serial[0] & 0x7f) | 0x01;
    return {
      id,
      kind,
      caId: template.caId,
      hostId: holder.hostId ?? null,
      clientId: holder.clientId ?? null,
      serial: serial.toString("hex"),
      commonName: holder.name,
      subject: `CN=${holder.name}`,
      dnsNames: kind === "server" ? JSON.stringify([`${holder.name}.example.com`]) : "[]",
      ipAddresses: "[]",
      extKeyUsage: kind === "server" ? "serverAuth" : "clientAuth",
      keySize: 3072,
      notBefore: new Date(createdAt.getTime() - 5 * 60_000),
      notAfter: at(notAfterDays),
      fingerprint: randomBytes(32).toString("hex"),
      certPem: template.certPem,
      keySealed: seal(template.keyPem, `certificate:${id}`),
      status: revoked ? "revoked" : current ? "active" : "superseded",
      revokedAt: revoked ? createdAt : null,
      revocationReason: revoked ? (current ? "keyCompromise" : "superseded") : null,
      createdAt,
      issuedBy: "admin:bench",
    };
  });
}

/** One real RSA-3072 server certificate under the active CA, whose PEM every seeded row reuses. */
async function templateCertificate() {
  const ca = await loadActiveCaSigner();
  const key = await generateRsaKeyPair(3072);
  const built = await buildServerCertificate({
    publicKeyPem: key.publicKeyPem,
    ca,
    commonName: "host-1.example.com",
    dnsNames: ["host-1.example.com"],
    ipAddresses: ["10.0.0.1"],
    days: 365,
  });
  return { caId: ca.id, certPem: built.certPem, keyPem: key.privateKeyPem };
}

/** Seeds hosts, clients and their certificate histories under the active CA. */
export async function seedInventory(counts: SeedCounts, now = new Date()) {
  const random = sequence(20261122);
  const template = await templateCertificate();
  const { hostIds, clientIds } = await seedHolders(counts, now, random);
  const serverCerts = Math.round(counts.certificates * 0.9);
  const hostChains = chainLengths(hostIds.length, serverCerts, 0.05, random);
  const clientChains = chainLengths(clientIds.length, counts.certificates - serverCerts, 0.75, random);
  const rows = [
    ...hostIds.flatMap((hostId, i) =>
      certificateRows({ kind: "server", hostId, name: `host-${i + 1}` }, hostChains[i], template, now, random),
    ),
    ...clientIds.flatMap((clientId, i) =>
      certificateRows({ kind: "client", clientId, name: `client-${i + 1}` }, clientChains[i], template, now, random),
    ),
  ];
  await insertChunked(rows, (data) => db.certificate.createMany({ data }));
  return { certificates: rows.length, caId: template.caId };
}

/** Plain rows for the CRL benchmark: `count` certificates under a CA, no holders. */
export async function seedCertificates(count: number, now = new Date()) {
  const random = sequence(1);
  const template = await templateCertificate();
  const rows = Array.from(
    { length: count },
    (_, i) => certificateRows({ kind: "server", name: `cert-${i + 1}` }, 1, template, now, random)[0],
  ).map((row) => ({ ...row, status: "active", revokedAt: null, revocationReason: null }));
  await insertChunked(rows, (data) => db.certificate.createMany({ data }));
  return { caId: template.caId, ids: rows.map((r) => r.id) };
}

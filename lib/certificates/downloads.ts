import "server-only";
import { type Principal, recordAudit } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { clientBundleFiles, serverBundleFiles } from "@/lib/bundles/bundle-files";
import { buildPkcs12, generatePassphrase } from "@/lib/bundles/pkcs12";
import { bundleFileName, zipBundles } from "@/lib/bundles/zip";
import { recordBundleDelivery } from "@/lib/ca/bundle-trust";
import { trustAnchorPem, trustedCas } from "@/lib/ca/cas";
import { unseal } from "@/lib/crypto/seal";
import { formatDate } from "@/lib/dates";
import { db, type Tx } from "@/lib/db";
import { ConflictError, ForbiddenError, GoneError, InputError, NotFoundError } from "@/lib/errors";
import { getHost, type Host, listAllHosts } from "@/lib/inventory/hosts";
import { derToPem, pemBlocks } from "@/lib/pki/pem";
import { agentSettingsFor } from "@/lib/renewal/agent-settings";
import { getSettings } from "@/lib/settings";

/** Up to this many hosts, a client bundle carries an env file for each. */
export const MAX_ENV_FILES = 50;

/** How many hosts there are when a client bundle must be told which one env.sh points at, else null. */
export async function hostChoiceRequired(): Promise<number | null> {
  const hosts = await db.host.count();
  return hosts > MAX_ENV_FILES ? hosts : null;
}

const DOWNLOAD_FIELDS = {
  id: true,
  kind: true,
  serial: true,
  status: true,
  revokedAt: true,
  certPem: true,
  keySealed: true,
  hostId: true,
  clientId: true,
  commonName: true,
  purpose: true,
  caId: true,
  ca: { select: { commonName: true, status: true } },
} as const;

/**
 * The certificate whose bundle is asked for, when a bundle may still be given out: not revoked,
 * its host or client still on record, and its issuer still in the ca.pem a bundle carries.
 */
export async function loadDownloadable(certificateId: string) {
  const cert = await db.certificate.findUnique({ where: { id: certificateId }, select: DOWNLOAD_FIELDS });
  if (!cert) throw new NotFoundError("That certificate does not exist.");
  if (cert.purpose === "monitor") {
    throw new ForbiddenError(
      "The dashboard's monitoring certificate (dockpki-monitor) has no bundle: its key never leaves the dashboard.",
    );
  }
  if (cert.status === "revoked") {
    throw new GoneError(
      `Certificate ${cert.serial} was revoked${cert.revokedAt ? ` on ${formatDate(cert.revokedAt)}` : ""}; its bundle can no longer be downloaded. Issue a new certificate instead.`,
    );
  }
  if (cert.ca.status === "retired") {
    throw new GoneError(
      `Certificate ${cert.serial} was issued by ${cert.ca.commonName}, a retired CA that bundles no longer carry: nothing would trust it. Download the bundle of the current certificate instead.`,
    );
  }
  const holderId = cert.kind === "server" ? cert.hostId : cert.clientId;
  if (!holderId)
    throw new GoneError(`The ${cert.kind === "server" ? "host" : "client"} of this certificate was deleted.`);
  return { ...cert, holderId };
}

export type Downloadable = Awaited<ReturnType<typeof loadDownloadable>>;

/** Whether a bundle can be downloaded, for HEAD: the same answer as a download, without opening the key or logging one. */
export async function checkBundleAvailable(certificateId: string): Promise<void> {
  await loadDownloadable(certificateId);
}

/**
 * What every bundle shares, read once however many bundles are made: the CAs, settings and, when a
 * client bundle is among them (its env files name the hosts), the hosts.
 */
export async function loadBundleContext(withClients = true) {
  const [cas, settings, tooManyHosts] = await Promise.all([
    trustedCas(),
    getSettings(),
    withClients ? hostChoiceRequired() : null,
  ]);
  // One env file per host is handy for a small fleet, and noise in a large one.
  const hosts = tooManyHosts || !withClients ? [] : await listAllHosts();
  return { cas, settings, tooManyHosts, hosts, caCertPems: [...new Set(cas.map((ca) => ca.certPem))] };
}

export type BundleContext = Awaited<ReturnType<typeof loadBundleContext>>;

/**
 * A certificate's bundle as files, and its holder's name (the zip's folder). The key is unsealed
 * only here, on the way into the zip. A client bundle's env.sh points at selectedHost when given.
 */
export async function renderBundle(cert: Downloadable, ctx: BundleContext, selectedHost: Host | null = null) {
  const keyPem = cert.keySealed ? unseal(cert.keySealed, `certificate:${cert.id}`) : null;
  const files = { caCertPems: ctx.caCertPems, certPem: cert.certPem, keyPem };
  if (cert.kind === "server") {
    const host = await getHost(cert.holderId);
    const agent = agentSettingsFor(ctx.settings, { kind: "host", ...host });
    const content = serverBundleFiles({ ...files, ...agent, host, sslDir: ctx.settings.sslDir });
    return { kind: "server" as const, holderName: host.name, files: content, withKey: keyPem !== null };
  }
  const client = await db.client.findUniqueOrThrow({
    where: { id: cert.holderId },
    select: { name: true, renewalEnabled: true },
  });
  const agent = agentSettingsFor(ctx.settings, { kind: "client", renewalEnabled: client.renewalEnabled });
  const content = clientBundleFiles({
    ...files,
    ...agent,
    client: { name: client.name },
    hosts: ctx.hosts,
    selectedHost,
  });
  return { kind: "client" as const, holderName: client.name, files: content, withKey: keyPem !== null };
}

/** Records that a certificate's bundle was handed out: the holder's delivery (CA rotation) and an audit row. */
export async function recordDownload(
  tx: Tx,
  actor: Principal,
  cert: Downloadable,
  opts: { caIds: string[]; withKey: boolean; ip?: string | null; set?: boolean },
) {
  const holder = { kind: cert.kind === "server" ? "host" : "client", id: cert.holderId } as const;
  await recordBundleDelivery(tx, holder, { certificateId: cert.id, caIds: opts.caIds });
  await recordAudit(tx, {
    actor,
    action: "cert.download",
    target: cert.commonName,
    detail: {
      id: cert.id,
      serial: cert.serial,
      kind: cert.kind,
      withKey: opts.withKey,
      caIds: opts.caIds,
      ...(opts.set ? { inZipOfMany: true } : {}),
    },
    ip: opts.ip ?? null,
  });
}

/**
 * The zip of a certificate: its certificate, its key, every CA the other side trusts, and the
 * configuration files. Each download is audited.
 */
export async function openBundle(
  actor: Principal,
  certificateId: string,
  opts: { hostId?: string; ip?: string | null },
) {
  authorize(actor, "download");
  const cert = await loadDownloadable(certificateId);
  const selectedHost = cert.kind === "client" && opts.hostId ? await getHost(opts.hostId) : null;
  const ctx = await loadBundleContext(cert.kind === "client");
  if (cert.kind === "client" && !selectedHost && ctx.tooManyHosts) {
    throw InputError.forField(
      "host",
      `There are ${ctx.tooManyHosts} hosts: choose the host this bundle's env.sh should point at.`,
    );
  }
  const bundle = await renderBundle(cert, ctx, selectedHost);
  const zip = zipBundles([{ folder: bundle.holderName, files: bundle.files }]);
  const caIds = ctx.cas.map((ca) => ca.id);
  await db.$transaction((tx) => recordDownload(tx, actor, cert, { caIds, withKey: bundle.withKey, ip: opts.ip }));
  return { zip, fileName: bundleFileName(bundle.kind, bundle.holderName) };
}

/**
 * A .p12 of a certificate: its key, the certificate and the CA that issued it, under the
 * passphrase given or a generated one (answered once, with the file). Audited as a download.
 */
export async function openPkcs12(
  actor: Principal,
  certificateId: string,
  opts: { passphrase?: string; ip?: string | null },
) {
  authorize(actor, "download");
  const cert = await loadDownloadable(certificateId);
  if (!cert.keySealed) {
    throw new ConflictError(
      `Certificate ${cert.serial} was issued for a CSR: its key never reached dockpki, so only its owner can make a .p12 (openssl pkcs12 -export).`,
    );
  }
  const ca = await db.certificateAuthority.findUniqueOrThrow({
    where: { id: cert.caId },
    select: { certPem: true, rootCertPem: true },
  });
  // The .p12 lists the leaf in its key's bag and its chain after it, from the CA's record: the
  // issuing CA when it is an intermediate, then the root. Not cert.pem's tail, which during a
  // rotation also holds the cross certificate (a second certificate with the root's subject).
  const leafPem = derToPem("CERTIFICATE", pemBlocks(cert.certPem, "CERTIFICATE")[0]);
  const chainPems = ca.rootCertPem ? [ca.certPem] : [];
  const generated = opts.passphrase ? null : generatePassphrase();
  const passphrase = opts.passphrase ?? (generated as string);
  const holder =
    cert.kind === "server"
      ? await db.host.findUniqueOrThrow({ where: { id: cert.holderId }, select: { name: true } })
      : await db.client.findUniqueOrThrow({ where: { id: cert.holderId }, select: { name: true } });
  const p12 = buildPkcs12({
    keyPem: unseal(cert.keySealed, `certificate:${cert.id}`),
    certPem: leafPem,
    caCertPems: [...chainPems, trustAnchorPem(ca)],
    passphrase,
    name: holder.name,
  });
  await recordAudit(db, {
    actor,
    action: "cert.download",
    target: cert.commonName,
    detail: {
      id: cert.id,
      serial: cert.serial,
      kind: cert.kind,
      withKey: true,
      format: "p12",
      generatedPassphrase: !!generated,
    },
    ip: opts.ip ?? null,
  });
  return {
    p12,
    generatedPassphrase: generated,
    fileName: `${bundleFileName(cert.kind as "server" | "client", holder.name).replace(/\.zip$/, "")}.p12`,
  };
}

import "server-only";
import type { listApiTokens } from "@/lib/api-tokens";
import { type CaInfo, caState } from "@/lib/ca/cas";
import type { Certificate } from "@/lib/certificates/certificates";
import { certificateState } from "@/lib/certificates/status";
import type { Client } from "@/lib/inventory/clients";
import type { Host } from "@/lib/inventory/hosts";
import type { AlertChannel } from "@/lib/monitoring/alert-channels";
import type { HostProbeResult } from "@/lib/monitoring/host-probe";

/** JSON shapes of the API. Built from the public selects of lib/, which never include keys. */
export function caJson(ca: NonNullable<CaInfo>, warnings?: string[]) {
  return {
    id: ca.id,
    status: ca.status,
    state: caState(ca.status),
    commonName: ca.commonName,
    subject: ca.subject,
    serial: ca.serial,
    fingerprintSha256: ca.fingerprint,
    keyAlgorithm: ca.keyAlgorithm,
    keyType: ca.keyType,
    keySize: ca.keySize,
    notBefore: ca.notBefore.toISOString(),
    notAfter: ca.notAfter.toISOString(),
    imported: ca.imported,
    retiredAt: ca.retiredAt?.toISOString() ?? null,
    crlUrl: `/api/v1/cas/${ca.id}/crl.pem`,
    certPem: ca.certPem,
    // An issuing CA's offline root (what bundles carry as ca.pem); null for a root CA.
    rootCertPem: ca.rootCertPem,
    ...(warnings ? { warnings } : {}),
  };
}

/** A probe as `POST /api/v1/hosts/{id}/probe` answers it and `GET /api/v1/hosts/{id}` carries it as `probe`. */
export function probeJson(probe: HostProbeResult) {
  return {
    checkedAt: probe.checkedAt,
    status: probe.status,
    summary: probe.summary,
    trigger: probe.trigger,
    endpoints: probe.endpoints.map(({ durationMs, ...e }) => ({ ...e, durationMs })),
  };
}

export function alertChannelJson(
  channel: AlertChannel,
  backlog?: { retrying: number; failed: number; nextAttemptAt: Date | null; attempts: number },
) {
  return {
    id: channel.id,
    type: channel.type,
    name: channel.name,
    enabled: channel.enabled,
    // Scheme, host and port only: a webhook URL's path may be its credential.
    url: channel.url,
    signed: channel.signed,
    smtp: channel.smtp,
    createdAt: channel.createdAt.toISOString(),
    lastAttemptAt: channel.lastAttemptAt?.toISOString() ?? null,
    lastSuccessAt: channel.lastSuccessAt?.toISOString() ?? null,
    lastError: channel.lastError,
    retrying: backlog?.retrying ?? 0,
    gaveUp: backlog?.failed ?? 0,
    nextAttemptAt: backlog?.nextAttemptAt?.toISOString() ?? null,
  };
}

export function hostJson(host: Host, probe?: HostProbeResult | null) {
  return {
    id: host.id,
    name: host.name,
    dnsNames: host.dnsNames,
    ipAddresses: host.ipAddresses,
    port: host.port,
    configStyle: host.configStyle,
    keepUnixSocket: host.keepUnixSocket,
    localAccess: host.localAccess,
    tlsMode: host.tlsMode,
    role: host.role,
    labels: host.labels,
    notes: host.notes,
    renewalEnabled: host.renewalEnabled,
    renewWindow: host.renewWindow,
    keyType: host.keyType,
    agent: agentJson(host),
    // The list's view of the last probe; GET /api/v1/hosts/{id} adds it in full as `probe`.
    lastProbe: host.lastProbeAt
      ? { checkedAt: host.lastProbeAt.toISOString(), status: host.lastProbeStatus, summary: host.lastProbeSummary }
      : null,
    ...(probe !== undefined ? { probe: probe ? probeJson(probe) : null } : {}),
    createdAt: host.createdAt.toISOString(),
    updatedAt: host.updatedAt.toISOString(),
  };
}

/** The holder's agent as it last reported: null before its first report. */
function agentJson(holder: {
  agentReportAt: Date | null;
  agentReportSerial: string | null;
  agentReportOutcome: string | null;
  agentReportMessage: string | null;
  agentServedSerial?: string | null;
}) {
  if (!holder.agentReportAt) return null;
  return {
    reportedAt: holder.agentReportAt.toISOString(),
    serial: holder.agentReportSerial,
    outcome: holder.agentReportOutcome,
    message: holder.agentReportMessage,
    ...(holder.agentServedSerial !== undefined ? { servedSerial: holder.agentServedSerial } : {}),
  };
}

export function clientJson(client: Client) {
  return {
    id: client.id,
    name: client.name,
    kind: client.kind,
    notes: client.notes,
    renewalEnabled: client.renewalEnabled,
    keyType: client.keyType,
    agent: agentJson(client),
    createdAt: client.createdAt.toISOString(),
    updatedAt: client.updatedAt.toISOString(),
  };
}

/** A certificate record: the certificate is public, its key never appears here. */
export function certificateJson(cert: Certificate) {
  return {
    id: cert.id,
    kind: cert.kind,
    caId: cert.caId,
    hostId: cert.hostId,
    clientId: cert.clientId,
    commonName: cert.commonName,
    serial: cert.serial,
    fingerprintSha256: cert.fingerprint,
    dnsNames: cert.dnsNames,
    ipAddresses: cert.ipAddresses,
    extKeyUsage: cert.extKeyUsage,
    keyType: cert.keyType,
    keySize: cert.keySize,
    // Issued from a CSR: the key stayed with its owner, and the bundle has no key.pem.
    fromCsr: cert.fromCsr,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    status: cert.status,
    state: certificateState(cert),
    revokedAt: cert.revokedAt?.toISOString() ?? null,
    revocationReason: cert.revocationReason,
    supersededById: cert.supersededById,
    issuedBy: cert.issuedBy,
    // "monitor": the dashboard's own client certificate for live probes (CN dockpki-monitor).
    purpose: cert.purpose || null,
    createdAt: cert.createdAt.toISOString(),
    certPem: cert.certPem,
    bundleUrl: cert.status === "revoked" ? null : `/api/v1/certificates/${cert.id}/bundle.zip`,
  };
}

export function adminJson(admin: {
  id: string;
  username: string;
  role: string;
  createdAt: Date;
  lastLoginAt: Date | null;
}) {
  return {
    id: admin.id,
    username: admin.username,
    role: admin.role,
    createdAt: admin.createdAt.toISOString(),
    lastLoginAt: admin.lastLoginAt?.toISOString() ?? null,
  };
}

export function tokenJson(token: Awaited<ReturnType<typeof listApiTokens>>[number]) {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    scope: token.scope,
    createdBy: token.createdBy?.username ?? null,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    expiresAt: token.expiresAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
  };
}

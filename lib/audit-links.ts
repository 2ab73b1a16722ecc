import "server-only";
import { type AuditRefs, auditRefsOf, type HolderKind } from "@/lib/audit-refs";
import { shortSerial } from "@/lib/audit-sentence-parts";
import type { AuditRowText } from "@/lib/audit-words";
import { db } from "@/lib/db";

export interface AuditLink {
  label: string;
  href: string;
}

/** Per row: the pages it leads to, and the name of the certificate holder it is about (for its sentence). */
export interface AuditRowLinks {
  holder?: string;
  links: AuditLink[];
}

type Found = { id: string; name: string };

/** Rows whose id, or failing that name, matches; one query for the whole page. */
async function findHolders(kind: HolderKind, wanted: { id?: string; name?: string }[]): Promise<Found[]> {
  const ids = [...new Set(wanted.flatMap((w) => (w.id ? [w.id] : [])))];
  const names = [...new Set(wanted.flatMap((w) => (w.name ? [w.name] : [])))];
  if (ids.length === 0 && names.length === 0) return [];
  const where = { OR: [{ id: { in: ids } }, { name: { in: names } }] };
  const select = { id: true, name: true };
  return kind === "host" ? db.host.findMany({ where, select }) : db.client.findMany({ where, select });
}

async function findCertificates(refs: AuditRefs[]) {
  const ids = refs.flatMap((r) => (r.certificate?.id ? [r.certificate.id] : []));
  const serials = refs.flatMap((r) => (r.certificate?.serial ? [r.certificate.serial] : []));
  if (ids.length === 0 && serials.length === 0) return [];
  return db.certificate.findMany({
    where: { OR: [{ id: { in: [...new Set(ids)] } }, { serial: { in: [...new Set(serials)] } }] },
    select: { id: true, serial: true, kind: true, hostId: true, clientId: true },
  });
}

/**
 * Links each row to the host, client, certificate, CA or job page it is about, when that still
 * exists. A page of rows costs at most four queries (certificates, hosts, clients, jobs), not one per row.
 */
export async function linkAuditEvents(rows: AuditRowText[]): Promise<AuditRowLinks[]> {
  const refs = rows.map(auditRefsOf);
  const certs = await findCertificates(refs);
  const certOf = (r: AuditRefs) =>
    certs.find((c) => (r.certificate?.id ? c.id === r.certificate.id : c.serial === r.certificate?.serial));
  // A certificate found names its holder by id, which survives a rename; the row's name is the fallback.
  const holders = refs.map((r) => {
    const cert = certOf(r);
    const id = cert ? (cert.kind === "server" ? cert.hostId : cert.clientId) : null;
    if (cert && id) return { kind: cert.kind === "server" ? ("host" as const) : ("client" as const), id };
    return r.holder;
  });
  const jobIds = [...new Set(refs.flatMap((r) => (r.job ? [r.job] : [])))];
  const [hosts, clients, jobs] = await Promise.all([
    findHolders(
      "host",
      holders.filter((h) => h?.kind === "host").map((h) => h ?? {}),
    ),
    findHolders(
      "client",
      holders.filter((h) => h?.kind === "client").map((h) => h ?? {}),
    ),
    jobIds.length > 0 ? db.job.findMany({ where: { id: { in: jobIds } }, select: { id: true } }) : [],
  ]);
  return refs.map((r, i) => {
    const links: AuditLink[] = [];
    const h = holders[i];
    const found = h && (h.kind === "host" ? hosts : clients).find((x) => (h.id ? x.id === h.id : x.name === h.name));
    if (h && found) links.push({ label: found.name, href: `/${h.kind}s/${found.id}` });
    const cert = certOf(r);
    if (cert) links.push({ label: `certificate ${shortSerial(cert.serial)}`, href: `/certificates/${cert.id}` });
    if (r.job && jobs.some((j) => j.id === r.job))
      links.push({ label: "re-issue job", href: `/certificates/jobs/${r.job}` });
    if (r.ca) links.push({ label: "CA", href: "/ca" });
    return { holder: cert ? found?.name : undefined, links };
  });
}

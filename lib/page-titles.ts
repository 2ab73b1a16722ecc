import "server-only";
import { db } from "@/lib/db";

// What a browser tab names: one column of one row, so a title costs an index lookup. Callers check
// the session first (a title is shown to whoever asked for the page).

/** "docker1 · Hosts", or just "Hosts" when there is no such host. */
export async function hostPageTitle(id: string): Promise<string> {
  const host = await db.host.findUnique({ where: { id }, select: { name: true } });
  return host ? `${host.name} · Hosts` : "Hosts";
}

/** "ci-runner · Clients". */
export async function clientPageTitle(id: string): Promise<string> {
  const client = await db.client.findUnique({ where: { id }, select: { name: true } });
  return client ? `${client.name} · Clients` : "Clients";
}

/** "Certificate 4eaf12… · Certificates": the serial's start, as the list shows serials. */
export async function certificatePageTitle(id: string): Promise<string> {
  const cert = await db.certificate.findUnique({ where: { id }, select: { serial: true } });
  return cert ? `Certificate ${cert.serial.slice(0, 6)}… · Certificates` : "Certificates";
}

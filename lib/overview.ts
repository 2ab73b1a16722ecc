import "server-only";
import { db } from "@/lib/db";

/** The counts on the home page. */
export async function getOverview(now = new Date()) {
  const [ca, hosts, clients, active, revoked] = await Promise.all([
    db.certificateAuthority.findFirst({
      where: { status: "active" },
      select: { id: true, commonName: true, notAfter: true },
    }),
    db.host.count(),
    db.client.count(),
    db.certificate.count({ where: { status: "active", notAfter: { gt: now } } }),
    db.certificate.count({ where: { status: "revoked" } }),
  ]);
  return { ca, hosts, clients, active, revoked };
}

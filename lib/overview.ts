import "server-only";
import { db } from "@/lib/db";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The counts on the home page. */
export async function getOverview(now = new Date()) {
  const in30 = new Date(now.getTime() + 30 * DAY_MS);
  const [ca, hosts, clients, active, expiring, expired, revoked] = await Promise.all([
    db.certificateAuthority.findFirst({
      where: { status: "active" },
      select: { id: true, commonName: true, notAfter: true },
    }),
    db.host.count(),
    db.client.count(),
    db.certificate.count({ where: { status: "active", notAfter: { gt: now } } }),
    db.certificate.count({ where: { status: "active", notAfter: { gt: now, lte: in30 } } }),
    db.certificate.count({ where: { status: "active", notAfter: { lte: now } } }),
    db.certificate.count({ where: { status: "revoked" } }),
  ]);
  return { ca, hosts, clients, active, expiring, expired, revoked };
}

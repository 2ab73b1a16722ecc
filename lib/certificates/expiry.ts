import "server-only";
import { db } from "@/lib/db";

const DAY_MS = 86_400_000;
export const EXPIRY_WINDOWS = [7, 14, 30] as const;

/**
 * What expires within `days` (and what already has), soonest first: current host and client
 * certificates, and the CAs themselves. The same list backs the home page and the API.
 */
export async function listExpiring(days: number, now = new Date(), take = 500) {
  const until = new Date(now.getTime() + days * DAY_MS);
  const [certificates, total, cas] = await Promise.all([
    db.certificate.findMany({
      where: { status: "active", purpose: "", notAfter: { lte: until } },
      orderBy: { notAfter: "asc" },
      take,
      select: {
        id: true,
        kind: true,
        serial: true,
        commonName: true,
        notAfter: true,
        hostId: true,
        clientId: true,
        host: { select: { name: true } },
        client: { select: { name: true } },
      },
    }),
    db.certificate.count({ where: { status: "active", purpose: "", notAfter: { lte: until } } }),
    db.certificateAuthority.findMany({
      where: { status: { in: ["active", "previous"] }, notAfter: { lte: until } },
      orderBy: { notAfter: "asc" },
      select: { id: true, commonName: true, status: true, notAfter: true, fingerprint: true },
    }),
  ]);
  return {
    total,
    certificates: certificates.map(({ host, client, ...c }) => ({
      ...c,
      holderName: host?.name ?? client?.name ?? null,
      expired: c.notAfter <= now,
    })),
    cas: cas.map((ca) => ({ ...ca, expired: ca.notAfter <= now })),
  };
}

/** Counts per window for the home page: expired, then within 7, 14 and 30 days, by kind. */
export async function countExpiring(now = new Date()) {
  const count = (kind: string, where: object) =>
    db.certificate.count({ where: { status: "active", purpose: "", kind, notAfter: where } });
  const windows = await Promise.all(
    EXPIRY_WINDOWS.map(async (days) => {
      const window = { gt: now, lte: new Date(now.getTime() + days * DAY_MS) };
      const [server, client] = await Promise.all([count("server", window), count("client", window)]);
      return { days, server, client };
    }),
  );
  const [expiredServer, expiredClient] = await Promise.all([
    count("server", { lte: now }),
    count("client", { lte: now }),
  ]);
  return { windows, expired: { server: expiredServer, client: expiredClient } };
}

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

/**
 * The getting-started steps of a new install, each with whether it is done: a CA, a host, a client,
 * and a bundle that reached its holder (downloaded, or installed by the enrollment agent).
 */
export async function getStartChecklist() {
  const delivered = { bundleDeliveredAt: { not: null } };
  const [cas, hosts, clients, deliveredHosts, deliveredClients] = await Promise.all([
    db.certificateAuthority.count({ where: { status: "active" } }),
    db.host.count(),
    db.client.count(),
    db.host.count({ where: delivered }),
    db.client.count({ where: delivered }),
  ]);
  const steps = [
    { key: "ca", label: "Create or import a certificate authority", href: "/ca", done: cas > 0 },
    { key: "host", label: "Add your first Docker host", href: "/hosts/new", done: hosts > 0 },
    { key: "client", label: "Add your first client", href: "/clients/new", done: clients > 0 },
    {
      key: "bundle",
      label: "Issue a certificate and download its bundle",
      href: hosts > 0 ? "/hosts" : "/hosts/new",
      done: deliveredHosts + deliveredClients > 0,
    },
  ];
  return { steps, allDone: steps.every((s) => s.done) };
}

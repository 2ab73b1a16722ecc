import Link from "next/link";
import { formatDate, formatRelativeDays } from "@/lib/dates";
import { requireAdmin } from "@/lib/auth/current";
import { getOverview } from "@/lib/overview";

export default async function OverviewPage() {
  await requireAdmin();
  const o = await getOverview();
  const stats = [
    { label: "Hosts", value: o.hosts, href: "/hosts" },
    { label: "Clients", value: o.clients, href: "/clients" },
    { label: "Valid certificates", value: o.active, href: "/certificates?status=active" },
    { label: "Expiring within 30 days", value: o.expiring, href: "/certificates?status=expiring&days=30" },
    { label: "Expired", value: o.expired, href: "/certificates?status=expired" },
    { label: "Revoked", value: o.revoked, href: "/certificates?status=revoked" },
  ];
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Overview</h1>
          <p>Certificates for your Docker daemons and the clients that talk to them.</p>
        </div>
      </div>
      {o.ca ? (
        <p className="notice info">
          Issuing with <strong>{o.ca.commonName}</strong>, valid until {formatDate(o.ca.notAfter)} (
          {formatRelativeDays(o.ca.notAfter)}).
        </p>
      ) : (
        <p className="notice warn">
          No certificate authority yet. <Link href="/ca">Create or import one</Link> before issuing certificates.
        </p>
      )}
      <div className="grid cols-4">
        {stats.map((s) => (
          <Link key={s.label} href={s.href} className="stat" style={{ color: "inherit" }}>
            <div className="value">{s.value}</div>
            <div className="label">{s.label}</div>
          </Link>
        ))}
      </div>
    </>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { BulkReissueForm } from "@/app/_components/bulk-reissue-form";
import { TableScroll } from "@/app/_components/table-scroll";
import { lockedFor } from "@/lib/auth/authorize";
import { requireAdmin } from "@/lib/auth/current";
import { hostsNeedingNewBundle } from "@/lib/ca/rotation";
import { countExpiring, listExpiring } from "@/lib/certificates/expiry";
import { countReissueCandidatesByHolder } from "@/lib/certificates/jobs";
import { formatDate, formatRelativeTime } from "@/lib/dates";
import { getOverview } from "@/lib/overview";
import { getSettings } from "@/lib/settings";
import { ExpiryTimeline } from "./expiry-timeline";
import { JobFinishedNotice } from "./job-finished-notice";
import { ProbeMismatches } from "./probe-mismatches";
import { RenewalOverdue } from "./renewal-overdue";
import { StartChecklist } from "./start-checklist";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const locked = lockedFor(await requireAdmin());
  const [o, counts, expiring, reissueCounts, needsBundle, settings] = await Promise.all([
    getOverview(),
    countExpiring(),
    listExpiring(30, new Date(), 50),
    countReissueCandidatesByHolder({ scope: "expiring", days: 30 }),
    hostsNeedingNewBundle(),
    getSettings(),
  ]);
  const stats = [
    { label: "Hosts", value: o.hosts, href: "/hosts" },
    { label: "Clients", value: o.clients, href: "/clients" },
    { label: "Valid certificates", value: o.active, href: "/certificates?status=active" },
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
      <StartChecklist />
      {o.ca ? (
        <p className="notice info">
          Issuing with <strong>{o.ca.commonName}</strong>, valid until {formatDate(o.ca.notAfter)} (
          {formatRelativeTime(o.ca.notAfter)}).
        </p>
      ) : (
        <p className="notice warn">
          No certificate authority yet. <Link href="/ca">Create or import one</Link> before issuing certificates.
        </p>
      )}
      <JobFinishedNotice />
      {needsBundle.count > 0 ? (
        <p className="notice warn" data-testid="overview-needs-bundle">
          {needsBundle.count} host{needsBundle.count === 1 ? " still trusts" : "s still trust"} a retired CA and{" "}
          {needsBundle.count === 1 ? "needs its" : "need their"} new bundle (until then{" "}
          {needsBundle.count === 1 ? "it accepts" : "they accept"} client certificates that CA signed, revoked ones
          included):{" "}
          {needsBundle.hosts.map((h, i) => (
            <span key={h.id}>
              {i > 0 ? ", " : ""}
              <Link href={`/hosts/${h.id}`}>{h.name}</Link>
            </span>
          ))}
          {needsBundle.count > needsBundle.hosts.length
            ? `, and ${needsBundle.count - needsBundle.hosts.length} more`
            : ""}
          .
        </p>
      ) : null}
      <div className="grid cols-4" style={{ marginBottom: 18 }}>
        {stats.map((s) => (
          <Link key={s.label} href={s.href} className="stat" style={{ color: "inherit" }}>
            <div className="value">{s.value}</div>
            <div className="label">{s.label}</div>
          </Link>
        ))}
      </div>

      <ExpiryTimeline settings={settings} />
      <ProbeMismatches />
      <RenewalOverdue settings={settings} />

      <section className="panel" aria-labelledby="expiry-h">
        <h2 id="expiry-h">What expires when</h2>
        <TableScroll label="Expiry counts by kind" style={{ marginBottom: 14 }}>
          <table>
            <thead>
              <tr>
                <th>
                  <span className="sr-only">Kind</span>
                </th>
                <th>Expired</th>
                {counts.windows.map((w) => (
                  <th key={w.days}>Within {w.days} days</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {(["server", "client"] as const).map((kind) => (
                <tr key={kind}>
                  <td>{kind === "server" ? "Host certificates" : "Client certificates"}</td>
                  <td>
                    <Link href={`/certificates?status=expired&kind=${kind}`}>{counts.expired[kind]}</Link>
                  </td>
                  {counts.windows.map((w) => (
                    <td key={w.days}>
                      <Link href={`/certificates?status=expiring&days=${w.days}&kind=${kind}`}>{w[kind]}</Link>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
        {expiring.cas.map((ca) => (
          <p key={ca.id} className="notice error">
            The {ca.status === "active" ? "" : "previous "}CA <strong>{ca.commonName}</strong>{" "}
            {ca.expired ? "has expired" : `expires ${formatRelativeTime(ca.notAfter)}`}: nothing it signed can outlive
            it. <Link href="/ca">Rotate it</Link>.
          </p>
        ))}
        {expiring.certificates.length === 0 ? (
          <p className="muted">Nothing expires within 30 days.</p>
        ) : (
          <>
            <TableScroll label="Expiring certificates" style={{ marginBottom: 14 }}>
              <table>
                <thead>
                  <tr>
                    <th>For</th>
                    <th>Kind</th>
                    <th>Expires</th>
                  </tr>
                </thead>
                <tbody>
                  {expiring.certificates.map((c) => (
                    <tr key={c.id}>
                      <td>
                        <Link href={`/certificates/${c.id}`}>{c.holderName ?? c.commonName}</Link>
                      </td>
                      <td>{c.kind}</td>
                      <td>
                        <span className={`badge ${c.expired ? "danger" : "warn"}`}>
                          {c.expired ? "expired" : "expiring"}
                        </span>{" "}
                        {formatDate(c.notAfter)} ({formatRelativeTime(c.notAfter)})
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            {expiring.total > expiring.certificates.length ? (
              <p className="muted">
                {expiring.total - expiring.certificates.length} more:{" "}
                <Link href="/certificates?status=expiring&days=30">see all</Link>.
              </p>
            ) : null}
            {reissueCounts.hosts + reissueCounts.clients > 0 && o.ca && !locked.issue ? (
              <BulkReissueForm
                scope="expiring"
                days={30}
                counts={reissueCounts}
                label="Re-issue everything expiring or expired"
              />
            ) : null}
          </>
        )}
      </section>
    </>
  );
}

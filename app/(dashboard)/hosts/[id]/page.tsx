import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DeleteHolderDetails } from "@/app/_components/delete-holder-details";
import { EnrollForm } from "@/app/_components/enroll-form";
import { HolderCertificates } from "@/app/_components/holder-certificates";
import { RenewalPanel } from "@/app/_components/renewal-panel";
import { RevokedNotice } from "@/app/_components/revoked-notice";
import { RoleNote } from "@/app/_components/role-note";
import { RowAction } from "@/app/_components/row-action";
import { lockedFor } from "@/lib/auth/authorize";
import { requireAdmin } from "@/lib/auth/current";
import { getActiveCa } from "@/lib/ca/cas";
import { hostIdsNeedingNewBundle } from "@/lib/ca/rotation";
import { listHolderCertificates } from "@/lib/certificates/certificates";
import { formatDateTime } from "@/lib/dates";
import { NotFoundError } from "@/lib/errors";
import { getHost } from "@/lib/inventory/hosts";
import { hostCertificateNames } from "@/lib/inventory/hosts.schema";
import { listHostProbes } from "@/lib/monitoring/host-probe";
import { hostPageTitle } from "@/lib/page-titles";
import { defaultLifetimeDays } from "@/lib/renewal/lifetime";
import { renewalStatus } from "@/lib/renewal/status";
import { getSettings } from "@/lib/settings";
import { createHostEnrollmentAction, deleteHostAction, issueHostCertificateAction, updateHostAction } from "../actions";
import { HostForm } from "../host-form";
import { InstallCard } from "./install-card";
import { ProbePanel } from "./probe-panel";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  await requireAdmin();
  return { title: await hostPageTitle((await params).id) };
}

async function loadHost(id: string) {
  try {
    return await getHost(id);
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
}

const sameNames = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

export default async function HostPage({ params }: { params: Promise<{ id: string }> }) {
  const locked = lockedFor(await requireAdmin());
  const { id } = await params;
  const host = await loadHost(id);
  const [certs, ca, settings, needsBundle, probes] = await Promise.all([
    listHolderCertificates({ hostId: id }),
    getActiveCa(),
    getSettings(),
    hostIdsNeedingNewBundle([id]).then((ids) => ids.has(id)),
    listHostProbes(id),
  ]);
  const current = certs.find((c) => c.status !== "superseded") ?? null;
  const wanted = hostCertificateNames(host);
  const sansChanged =
    current && (!sameNames(current.dnsNames, wanted.dnsNames) || !sameNames(current.ipAddresses, wanted.ipAddresses));
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{host.name}</h1>
          <p>
            <Link href="/hosts">Hosts</Link> / {host.name} · port {host.port} ·{" "}
            {host.configStyle === "systemd" ? "systemd drop-in" : "daemon.json"}
            {host.role === "swarm-manager" ? " · classic Swarm manager" : ""}
            {host.localAccess ? " · reachable locally (localhost, 127.0.0.1)" : ""}
          </p>
        </div>
      </div>
      {host.tlsMode === "tls-only" ? (
        <p className="notice warn">
          TLS only: this daemon does not ask clients for a certificate. Anyone who reaches port {host.port} controls it.
        </p>
      ) : null}
      {needsBundle ? (
        <p className="notice warn" data-testid="needs-new-bundle">
          Needs its new bundle: the last bundle this host received carries a retired CA{" "}
          {host.bundleDeliveredAt
            ? `(received ${formatDateTime(host.bundleDeliveredAt)})`
            : "(or dockpki has no record of it)"}
          , so it still accepts client certificates that CA signed, revoked ones included. Download its current bundle
          and install it.
        </p>
      ) : null}
      {sansChanged ? (
        <p className="notice warn">
          The host's DNS names or IP addresses changed since its certificate was issued (reachable locally counts too).
          Clients dialing a new name will be refused until you issue a new certificate.
        </p>
      ) : null}

      <HolderCertificates
        certs={certs}
        holderId={host.id}
        issueAction={issueHostCertificateAction}
        defaultDays={defaultLifetimeDays("server", settings, host.renewalEnabled)}
        caMissing={!ca}
        issueLocked={locked.issue}
      >
        <RevokedNotice kind="host" cert={current} />
        {current && current.status === "active" ? (
          <InstallCard
            host={host}
            certId={current.id}
            fromCsr={current.fromCsr}
            sslDir={settings.sslDir}
            downloadLocked={locked.download}
          />
        ) : null}
      </HolderCertificates>

      <RenewalPanel kind="host" status={renewalStatus(host, current, settings)} renewWindow={host.renewWindow}>
        {locked.inventory ? (
          <RoleNote>{locked.inventory}</RoleNote>
        ) : (
          <EnrollForm
            action={createHostEnrollmentAction}
            holderId={host.id}
            kind="host"
            publicUrlSet={settings.publicUrl !== null}
          />
        )}
      </RenewalPanel>

      <ProbePanel
        hostId={host.id}
        tlsMode={host.tlsMode}
        port={host.port}
        probes={probes}
        canProbe={!locked.inventory}
      />

      {locked.inventory ? null : (
        <>
          <section className="panel">
            <h2>Edit host</h2>
            <HostForm action={updateHostAction} host={host} submitLabel="Save host" />
          </section>

          <section className="panel">
            <h2>Delete host</h2>
            <p className="muted">
              Its certificates stay on record (and in the CRL when revoked). A certificate that is still valid keeps
              working on the host until it expires: revoke it and rotate the CA if the host is compromised.
            </p>
            <RowAction
              action={deleteHostAction}
              id={host.id}
              label="Delete host"
              confirm={`Delete host ${host.name}?`}
              details={<DeleteHolderDetails kind="host" certs={certs} />}
            />
          </section>
        </>
      )}
    </>
  );
}

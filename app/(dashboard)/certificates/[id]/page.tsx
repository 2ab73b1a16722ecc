import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CertBadge } from "@/app/_components/cert-badge";
import { CopyButton } from "@/app/_components/copy-button";
import { RoleNote } from "@/app/_components/role-note";
import { describeActor } from "@/lib/audit";
import { lockedFor } from "@/lib/auth/authorize";
import { requireAdmin } from "@/lib/auth/current";
import { getCertificate } from "@/lib/certificates/certificates";
import { formatDateTime } from "@/lib/dates";
import { NotFoundError } from "@/lib/errors";
import { getClient } from "@/lib/inventory/clients";
import { getHost } from "@/lib/inventory/hosts";
import { certificatePageTitle } from "@/lib/page-titles";
import { REVOCATION_REASONS } from "@/lib/pki/crl";
import { keyLabel } from "@/lib/pki/key-types";
import { shortSerial } from "@/lib/pki/serial";
import { ReissueForm, RevokeForm } from "./lifecycle-forms";
import { P12Download } from "./p12-download";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  await requireAdmin();
  return { title: await certificatePageTitle((await params).id) };
}

async function load(id: string) {
  try {
    return await getCertificate(id);
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
}

/** Who the certificate belongs to, as the inventory names it (a server certificate's CN is a DNS name). */
async function holderName(cert: { hostId: string | null; clientId: string | null; commonName: string }) {
  if (cert.hostId) return (await getHost(cert.hostId)).name;
  if (cert.clientId) return (await getClient(cert.clientId)).name;
  return cert.commonName;
}

export default async function CertificatePage({ params }: { params: Promise<{ id: string }> }) {
  const locked = lockedFor(await requireAdmin());
  const cert = await load((await params).id);
  const holder = cert.hostId
    ? { href: `/hosts/${cert.hostId}`, label: "host" }
    : cert.clientId
      ? { href: `/clients/${cert.clientId}`, label: "client" }
      : null;
  const reasonLabel = REVOCATION_REASONS.find((r) => r.name === cert.revocationReason)?.label ?? cert.revocationReason;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{cert.commonName}</h1>
          <p>
            <Link href="/certificates">Certificates</Link> / {cert.kind} certificate{" "}
            {holder ? (
              <>
                · <Link href={holder.href}>its {holder.label}</Link>
              </>
            ) : cert.purpose === "monitor" ? (
              "· the dashboard's own monitoring certificate (live probes)"
            ) : (
              "· its host or client was deleted"
            )}
          </p>
        </div>
        {cert.status !== "revoked" && cert.purpose !== "monitor" && !locked.download ? (
          <a className="button" href={`/api/v1/certificates/${cert.id}/bundle.zip`} download>
            Download bundle
          </a>
        ) : null}
      </div>
      {cert.purpose === "monitor" ? (
        <p className="notice info" data-testid="monitor-certificate">
          dockpki-monitor: the dashboard's client certificate for the live probe (GET /version only). dockpki issues and
          renews it by itself; it has no bundle, and its key never leaves the dashboard. Like every client certificate
          of this CA it is accepted by every mutual-TLS host, so revoking it only helps with a CA rotation.
        </p>
      ) : null}
      {cert.status === "superseded" && cert.supersededById ? (
        <p className="notice info">
          Replaced by <Link href={`/certificates/${cert.supersededById}`}>a newer certificate</Link>. It stays valid
          until it expires unless you revoke it.
        </p>
      ) : null}
      <section className="panel">
        <dl className="facts">
          <dt>State</dt>
          <dd>
            <CertBadge cert={cert} />
            {cert.status === "revoked" ? ` on ${formatDateTime(cert.revokedAt)}, ${reasonLabel}` : null}
          </dd>
          <dt>Serial</dt>
          <dd className="mono">{cert.serial}</dd>
          <dt>SHA-256 fingerprint</dt>
          <dd className="mono">{cert.fingerprint}</dd>
          <dt>Names</dt>
          <dd className="mono">{[...cert.dnsNames, ...cert.ipAddresses].join(", ") || "—"}</dd>
          <dt>Extended key usage</dt>
          <dd>{cert.extKeyUsage.join(", ")}</dd>
          <dt>Valid</dt>
          <dd>
            {formatDateTime(cert.notBefore)} to {formatDateTime(cert.notAfter)}
          </dd>
          <dt>Key</dt>
          <dd>
            {cert.fromCsr
              ? `${keyLabel(cert)}, from a CSR: the bundle holds no key.pem`
              : `${keyLabel(cert)}, generated here`}
          </dd>
          <dt>Issued</dt>
          <dd>
            {formatDateTime(cert.createdAt)} by {describeActor(cert.issuedBy)}
          </dd>
        </dl>
      </section>
      {cert.status !== "revoked" && !cert.fromCsr && holder ? (
        <section className="panel">
          <h2>PKCS#12</h2>
          <p className="muted">
            The key, this certificate and its CA in one passphrase-protected file (AES-256-CBC, PBKDF2, HMAC-SHA256) for
            tools that import a .p12 rather than PEM files: a keychain, a browser, Java. Docker itself takes the PEM
            files of the bundle.
          </p>
          {locked.download ? <RoleNote>{locked.download}</RoleNote> : <P12Download certificateId={cert.id} />}
        </section>
      ) : null}
      {cert.status !== "superseded" && holder ? (
        <section className="panel">
          <h2>Re-issue</h2>
          {cert.fromCsr && cert.revocationReason === "keyCompromise" ? (
            <p className="notice warn">
              This certificate's key came from a CSR and was compromised: signing it again would hand the new
              certificate to whoever has the key. Ask its owner for a new key and CSR, and issue from{" "}
              <Link href={holder.href}>its {holder.label}'s page</Link>.
            </p>
          ) : (
            <>
              <p className="muted">
                A new certificate
                {cert.fromCsr
                  ? " for the same key (the same CSR, signed again; its owner keeps the key)"
                  : " with a fresh key made here"}
                , the {cert.kind === "server" ? "host's current names and addresses" : "client's current name"}, and the
                active CA. This one is marked superseded.
              </p>
              {locked.issue ? <RoleNote>{locked.issue}</RoleNote> : <ReissueForm id={cert.id} />}
            </>
          )}
        </section>
      ) : null}
      {cert.status !== "revoked" ? (
        <section className="panel">
          <h2>Revoke</h2>
          <p className="muted">
            The certificate is listed in the CRL and its bundle can no longer be downloaded.{" "}
            {cert.kind === "client"
              ? "dockerd does not check CRLs: a revoked client certificate still opens every daemon until it expires. Keep client lifetimes short, and rotate the CA when a client key leaks."
              : "Docker clients do not check CRLs either: replace the certificate on the host as well."}
          </p>
          {locked.revoke ? (
            <RoleNote>{locked.revoke}</RoleNote>
          ) : (
            <RevokeForm
              id={cert.id}
              holderName={await holderName(cert)}
              serial={shortSerial(cert.serial)}
              client={cert.kind === "client"}
              reasons={REVOCATION_REASONS.map(({ name, label }) => ({ name, label }))}
            />
          )}
        </section>
      ) : null}
      <section className="panel">
        <h2>cert.pem</h2>
        <pre>{cert.certPem}</pre>
        <CopyButton text={cert.certPem} label="Copy cert.pem" />
      </section>
    </>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { CopyButton } from "@/app/_components/copy-button";
import { RoleNote } from "@/app/_components/role-note";
import { lockedFor } from "@/lib/auth/authorize";
import { requireAdmin } from "@/lib/auth/current";
import { getCaOverview } from "@/lib/ca/cas";
import { getPendingIntermediate } from "@/lib/ca/intermediate";
import { countReissueCandidatesByHolder } from "@/lib/certificates/jobs";
import { formatDateTime, formatRelativeTime } from "@/lib/dates";
import { CaFacts } from "./ca-facts";
import { CreateCaForm } from "./create-ca-form";
import { ImportCaForm } from "./import-ca-form";
import { IntermediatePanel } from "./intermediate-panel";
import { RotationSteps } from "./rotation-steps";

export const metadata: Metadata = { title: "Certificate authority" };

export default async function CaPage() {
  const locked = lockedFor(await requireAdmin());
  const [{ active, previous, rotation, retired, bundleCaPem, activeWarnings }, pending, reissueCounts] =
    await Promise.all([
      getCaOverview(),
      getPendingIntermediate(),
      countReissueCandidatesByHolder({ scope: "previous-ca" }),
    ]);
  if (!active) {
    return (
      <>
        <div className="page-head">
          <div>
            <h1>Certificate authority</h1>
            <p>No CA yet. Create one, or import the CA your Docker hosts already trust.</p>
          </div>
        </div>
        {locked.ca ? (
          <section className="panel">
            <RoleNote>{locked.ca}</RoleNote>
          </section>
        ) : (
          <>
            <div className="grid cols-2">
              <section className="panel">
                <CreateCaForm />
              </section>
              <section className="panel">
                <ImportCaForm />
              </section>
            </div>
            <IntermediatePanel pending={pending} rotate={false} sameRootNote={false} />
          </>
        )}
      </>
    );
  }
  const daysLeft = Math.round((active.notAfter.getTime() - Date.now()) / 86_400_000);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Certificate authority</h1>
          <p>Signs every server and client certificate. Its key never leaves this server.</p>
        </div>
        <div className="row">
          <a className="button" href="/api/v1/ca.pem" download>
            Download ca.pem
          </a>
          <a className="button secondary" href="/api/v1/crl.pem" download>
            Download crl.pem
          </a>
        </div>
      </div>
      {daysLeft <= 90 ? (
        <p className="notice warn">
          This CA expires {formatRelativeTime(active.notAfter)}. Certificates cannot outlive it: rotate it below.
        </p>
      ) : null}
      {activeWarnings.map((warning) => (
        <p key={warning} className="notice warn">
          {warning} Rotating to a CA created here fixes it.
        </p>
      ))}
      <section className="panel">
        <h2>
          {active.commonName} <span className="badge ok">active</span>
        </h2>
        <CaFacts ca={active} />
      </section>

      <section className="panel">
        <h2>Revocation list (CRL)</h2>
        <p>
          CRL number {active.crlNumber || "—"}, last signed {formatDateTime(active.crlUpdatedAt)}. It is signed again on
          every revocation, and whenever half its validity (Settings) has passed.
          {previous ? " During the rotation each CA signs its own CRL: crl.pem holds both, or download one CA's." : ""}
        </p>
        <p className="row">
          <a className="button secondary small" href="/api/v1/crl.pem" download>
            crl.pem{previous ? " (both CAs)" : ""}
          </a>
          {previous ? (
            <>
              <a className="button secondary small" href={`/api/v1/cas/${active.id}/crl.pem`} download>
                CRL of {active.commonName}
              </a>
              <a className="button secondary small" href={`/api/v1/cas/${previous.id}/crl.pem`} download>
                CRL of {previous.commonName}
              </a>
            </>
          ) : null}
        </p>
        <p className="notice warn">
          dockerd and the docker CLI do not check CRLs. Revoking a client certificate does not lock that client out of a
          daemon: it keeps working until it expires. What does lock it out: short client lifetimes (Settings), and
          rotating the CA and re-issuing every certificate that is still wanted, then retiring the old CA.
        </p>
      </section>

      {previous && rotation ? (
        <RotationSteps
          active={active}
          previous={previous}
          progress={rotation}
          reissueCounts={reissueCounts}
          locked={locked}
        />
      ) : (
        <section className="panel" aria-labelledby="rotate-h">
          <h2 id="rotate-h">Rotate</h2>
          <p className="muted">
            Create a successor CA. New certificates are issued under it at once; during the overlap every bundle's{" "}
            <code>ca.pem</code> holds both CAs. Then give every host and client a bundle with both CAs, re-issue
            everything under the new CA, and retire this one. This page leads you through it.
          </p>
          {locked.ca ? <RoleNote>{locked.ca}</RoleNote> : <CreateCaForm rotate />}
        </section>
      )}
      {previous || locked.ca ? null : (
        <IntermediatePanel pending={pending} rotate sameRootNote={active.rootCertPem !== null} />
      )}

      <section className="panel">
        <h2>ca.pem</h2>
        <p className="muted">
          Public: every Docker host and client needs it to verify the other side. This is what every bundle carries now
          {previous ? ": both CAs, the new one first, until the previous one is retired" : ""}.
        </p>
        <pre data-testid="bundle-ca-pem">{bundleCaPem}</pre>
        <CopyButton text={bundleCaPem} label="Copy ca.pem" />
      </section>

      {retired.length > 0 ? (
        <section className="panel">
          <h2>Retired CAs</h2>
          <ul>
            {retired.map((ca) => (
              <li key={ca.id}>
                {ca.commonName}, retired {formatDateTime(ca.retiredAt)}{" "}
                <span className="mono muted">{ca.fingerprint}</span>{" "}
                <a href={`/api/v1/cas/${ca.id}/crl.pem`} download>
                  its CRL
                </a>
              </li>
            ))}
          </ul>
          <p className="muted">
            Their certificates are listed under <Link href="/certificates">Certificates</Link>.
          </p>
        </section>
      ) : null}
    </>
  );
}

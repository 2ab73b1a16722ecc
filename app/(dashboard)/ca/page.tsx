import type { Metadata } from "next";
import { CopyButton } from "@/app/_components/copy-button";
import { formatDateTime, formatRelativeDays } from "@/lib/dates";
import { requireAdmin } from "@/lib/auth/current";
import { getActiveCa } from "@/lib/cas";
import { CreateCaForm } from "./create-ca-form";
import { ImportCaForm } from "./import-ca-form";

export const metadata: Metadata = { title: "Certificate authority" };

export default async function CaPage() {
  await requireAdmin();
  const ca = await getActiveCa();
  if (!ca) {
    return (
      <>
        <div className="page-head">
          <div>
            <h1>Certificate authority</h1>
            <p>No CA yet. Create one, or import the CA your Docker hosts already trust.</p>
          </div>
        </div>
        <div className="grid cols-2">
          <section className="panel">
            <CreateCaForm />
          </section>
          <section className="panel">
            <ImportCaForm />
          </section>
        </div>
      </>
    );
  }
  const daysLeft = Math.round((ca.notAfter.getTime() - Date.now()) / 86_400_000);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Certificate authority</h1>
          <p>Signs every server and client certificate. Its key never leaves this server.</p>
        </div>
        <a className="button" href="/api/v1/ca.pem" download>
          Download ca.pem
        </a>
      </div>
      {daysLeft <= 90 ? (
        <p className="notice warn">
          This CA expires {formatRelativeDays(ca.notAfter)}. Certificates cannot outlive it: plan a rotation.
        </p>
      ) : null}
      <section className="panel">
        <h2>{ca.commonName}</h2>
        <dl className="facts">
          <dt>Subject</dt>
          <dd className="mono">{ca.subject}</dd>
          <dt>SHA-256 fingerprint</dt>
          <dd className="row">
            <span className="mono" data-testid="ca-fingerprint">
              {ca.fingerprint}
            </span>
            <CopyButton text={ca.fingerprint} />
          </dd>
          <dt>Serial</dt>
          <dd className="mono">{ca.serial}</dd>
          <dt>Valid</dt>
          <dd>
            {formatDateTime(ca.notBefore)} to {formatDateTime(ca.notAfter)} ({formatRelativeDays(ca.notAfter)})
          </dd>
          <dt>Key</dt>
          <dd>
            {ca.keyAlgorithm} {ca.keySize} bits{ca.imported ? ", imported" : ""}
          </dd>
        </dl>
      </section>
      <section className="panel">
        <h2>ca.pem</h2>
        <p className="muted">Public: every Docker host and client needs it to verify the other side.</p>
        <pre>{ca.certPem}</pre>
        <CopyButton text={ca.certPem} label="Copy ca.pem" />
      </section>
    </>
  );
}

import { CopyButton } from "@/app/_components/copy-button";
import type { CaInfo } from "@/lib/ca/cas";
import { formatDateTime, formatRelativeTime } from "@/lib/dates";
import { describeCertificate } from "@/lib/pki/inspect";
import { type KeyType, keyLabel } from "@/lib/pki/key-types";

/** Subject, fingerprint, serial, validity and key of a CA. */
export function CaFacts({ ca }: { ca: NonNullable<CaInfo> }) {
  const root = ca.rootCertPem ? describeCertificate(ca.rootCertPem) : null;
  return (
    <dl className="facts">
      <dt>Subject</dt>
      <dd className="mono">{ca.subject}</dd>
      <dt>SHA-256 fingerprint</dt>
      <dd className="row">
        <span className="mono" data-testid={`ca-fingerprint-${ca.status}`}>
          {ca.fingerprint}
        </span>
        <CopyButton text={ca.fingerprint} />
      </dd>
      <dt>Serial</dt>
      <dd className="mono">{ca.serial}</dd>
      <dt>Valid</dt>
      <dd>
        {formatDateTime(ca.notBefore)} to {formatDateTime(ca.notAfter)} ({formatRelativeTime(ca.notAfter)})
      </dd>
      <dt>Key</dt>
      <dd>
        {keyLabel({ keyType: ca.keyType as KeyType, keySize: ca.keySize })}
        {ca.imported ? ", imported" : ""}
      </dd>
      {root ? (
        <>
          <dt>Issued by</dt>
          <dd data-testid="ca-root">
            the offline root <span className="mono">{root.subject}</span>, valid until {formatDateTime(root.notAfter)} (
            {formatRelativeTime(root.notAfter)}); bundles carry it as <code>ca.pem</code>, and this issuing CA after
            each leaf in <code>cert.pem</code>
          </dd>
        </>
      ) : null}
    </dl>
  );
}

import { CopyButton } from "@/app/_components/copy-button";
import type { getPendingIntermediate } from "@/lib/ca/intermediate";
import { formatDateTime } from "@/lib/dates";
import { ActivateIntermediateForm, RequestIntermediateForm } from "./intermediate-forms";

/**
 * An issuing CA under an offline root: the key is made here, the root signs its CSR elsewhere, and
 * the signed certificate comes back. As the first CA or as a rotation.
 */
export function IntermediatePanel({
  pending,
  rotate,
  sameRootNote,
}: {
  pending: Awaited<ReturnType<typeof getPendingIntermediate>>;
  rotate: boolean;
  sameRootNote: boolean;
}) {
  return (
    <section className="panel" aria-labelledby="intermediate-h">
      <h2 id="intermediate-h">
        {rotate ? "Rotate to an issuing CA under an offline root" : "Issue from an offline root"}
      </h2>
      <p className="muted">
        The root's key, which could mint any Docker credential, stays offline. dockpki makes an issuing (intermediate)
        CA's key and a CSR; sign it with the root where the root lives, and upload the signed certificate with the
        root's certificate. Bundles then carry the root as <code>ca.pem</code> and leaf plus intermediate as{" "}
        <code>cert.pem</code>.
      </p>
      {sameRootNote ? (
        <p className="muted">
          A new issuing CA under the same root needs no new <code>ca.pem</code> anywhere: every host and client trusts
          the root already. Re-issue the certificates under the new one, then retire the old one. Retiring it changes no
          trust: its certificates, revoked ones included, verify until they expire, as any certificate does in Docker,
          which checks no CRL.
        </p>
      ) : null}
      {pending ? (
        <div className="stack">
          <p>
            Waiting for the root's signature: <strong>{pending.commonName}</strong>, requested{" "}
            {formatDateTime(pending.createdAt)}. Save the CSR as <code>intermediate.csr</code> and run:
          </p>
          <pre data-testid="intermediate-command">{pending.opensslCommand}</pre>
          <CopyButton text={pending.opensslCommand} label="Copy the command" />
          <pre data-testid="intermediate-csr">{pending.csrPem}</pre>
          <CopyButton text={pending.csrPem} label="Copy intermediate.csr" />
          <ActivateIntermediateForm />
          <details>
            <summary>Start over with a new key</summary>
            <RequestIntermediateForm again />
          </details>
        </div>
      ) : (
        <RequestIntermediateForm />
      )}
    </section>
  );
}

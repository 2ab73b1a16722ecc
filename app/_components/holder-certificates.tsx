import type { ReactNode } from "react";
import { CertBadge } from "@/app/_components/cert-badge";
import { CertificateTable } from "@/app/_components/certificate-table";
import type { FormState } from "@/app/_components/form-state";
import { IssueForm } from "@/app/_components/issue-form";
import { RoleNote } from "@/app/_components/role-note";
import type { Certificate } from "@/lib/certificates/certificates";

/** The certificate panels of a host or client page: the current one, issuing, and the history. */
export function HolderCertificates({
  certs,
  holderId,
  issueAction,
  defaultDays,
  caMissing,
  issueLocked = null,
  children,
}: {
  certs: Certificate[];
  holderId: string;
  issueAction: (prev: FormState, formData: FormData) => Promise<FormState>;
  defaultDays: number;
  caMissing: boolean;
  /** Why the signed-in role may not issue, or null when it may. */
  issueLocked?: string | null;
  /** Shown between the current certificate and the issue form (downloads, notes). */
  children?: ReactNode;
}) {
  const current = certs.find((c) => c.status !== "superseded") ?? null;
  return (
    <>
      <section className="panel">
        <h2>Certificate</h2>
        {current ? (
          <p className="row">
            <CertBadge cert={current} />{" "}
            <a className="mono" href={`/certificates/${current.id}`}>
              {current.serial}
            </a>
          </p>
        ) : (
          <p className="muted">No certificate yet.</p>
        )}
        {children}
        {issueLocked ? (
          <RoleNote>{issueLocked}</RoleNote>
        ) : (
          <IssueForm
            action={issueAction}
            holderId={holderId}
            defaultDays={defaultDays}
            hasCurrent={current?.status === "active"}
            caMissing={caMissing}
          />
        )}
      </section>
      <section className="panel">
        <h2>History</h2>
        <CertificateTable certs={certs} />
      </section>
    </>
  );
}

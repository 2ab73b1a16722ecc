"use client";

import { useActionState, useId } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
import { reissueCertificateAction, revokeCertificateAction } from "../actions";

export function RevokeForm({
  id,
  holderName,
  serial,
  client,
  reasons,
}: {
  id: string;
  holderName: string;
  serial: string;
  client: boolean;
  reasons: { name: string; label: string }[];
}) {
  const [state, action] = useActionState<FormState, FormData>(revokeCertificateAction, {});
  const formId = useId();
  return (
    <form id={formId} action={action} className="stack">
      <input type="hidden" name="id" value={id} />
      <FormMessage state={state} />
      <div className="row">
        <label htmlFor="reason">Reason</label>
        <select id="reason" name="reason" defaultValue="unspecified" style={{ width: "auto" }}>
          {reasons.map((r) => (
            <option key={r.name} value={r.name}>
              {r.label}
            </option>
          ))}
        </select>
        <ConfirmButton
          form={formId}
          className="danger"
          label="Revoke"
          title={`Revoke ${holderName}'s certificate, serial ${serial}?`}
          confirmLabel="Revoke certificate"
          danger
        >
          <p>
            It goes into the CRL, which is signed again, and its bundle can no longer be downloaded. This cannot be
            undone.
          </p>
          <p className="muted">
            {client
              ? "dockerd does not check CRLs: the client can still reach every daemon until the certificate expires."
              : "Docker clients do not check CRLs: replace the certificate on the host as well."}
          </p>
        </ConfirmButton>
      </div>
    </form>
  );
}

export function ReissueForm({ id }: { id: string }) {
  const [state, action] = useActionState<FormState, FormData>(reissueCertificateAction, {});
  return (
    <form action={action} className="stack">
      <input type="hidden" name="id" value={id} />
      <FormMessage state={state} />
      <div className="row">
        <SubmitButton pendingText="Re-issuing…">Re-issue</SubmitButton>
        <label className="checkbox">
          <input type="checkbox" name="revokeOld" /> Also revoke this certificate
        </label>
      </div>
    </form>
  );
}

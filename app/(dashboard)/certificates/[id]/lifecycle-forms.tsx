"use client";

import { useActionState } from "react";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
import { reissueCertificateAction, revokeCertificateAction } from "../actions";

export function RevokeForm({ id, reasons }: { id: string; reasons: { name: string; label: string }[] }) {
  const [state, action] = useActionState<FormState, FormData>(revokeCertificateAction, {});
  return (
    <form
      action={action}
      className="stack"
      onSubmit={(e) => {
        if (!window.confirm("Revoke this certificate? Its bundle can no longer be downloaded.")) e.preventDefault();
      }}
    >
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
        <SubmitButton className="danger" pendingText="Revoking…">
          Revoke
        </SubmitButton>
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

"use client";

import { useActionState, useState } from "react";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";
import { useFormMemory } from "@/app/_components/use-form-memory";

/** Issues a certificate for a host or client: a fresh key on the server, or a CSR the owner made. */
export function IssueForm({
  action,
  holderId,
  defaultDays,
  hasCurrent,
  caMissing,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  holderId: string;
  defaultDays: number;
  hasCurrent: boolean;
  caMissing: boolean;
}) {
  const [state, formAction] = useActionState<FormState, FormData>(action, {});
  const memory = useFormMemory(state);
  const [useCsr, setUseCsr] = useState(false);
  const err = state.fieldErrors ?? {};
  if (caMissing) {
    return (
      <p className="notice warn">
        There is no certificate authority yet. <a href="/ca">Create or import one</a> first.
      </p>
    );
  }
  return (
    <form key={memory.key} action={formAction} onSubmit={memory.onSubmit} className="stack" noValidate>
      <input type="hidden" name="id" value={holderId} />
      <FormMessage state={state} />
      <div className="row" style={{ alignItems: "flex-end" }}>
        <TextField
          name="days"
          label="Validity (days)"
          errors={err.days}
          type="number"
          min={1}
          defaultValue={memory.value("days", defaultDays)}
          style={{ width: 140 }}
        />
        <label className="checkbox">
          <input type="checkbox" checked={useCsr} onChange={(e) => setUseCsr(e.target.checked)} /> Sign a CSR instead
          (the key stays with its owner)
        </label>
      </div>
      {useCsr ? (
        <Field
          name="csrPem"
          label="Certificate signing request (PEM)"
          hint="RSA, 2048 bits or more. Its requested extensions are ignored."
          errors={err.csrPem}
        >
          <textarea
            id="csrPem"
            name="csrPem"
            defaultValue={memory.value("csrPem")}
            placeholder="-----BEGIN CERTIFICATE REQUEST-----"
            aria-invalid={!!err.csrPem}
          />
        </Field>
      ) : null}
      <div>
        {/* With a current certificate, installing it is the next step: replacing it is the lesser button. */}
        <SubmitButton pendingText="Issuing…" className={hasCurrent ? "secondary" : undefined}>
          {hasCurrent ? "Issue a new certificate (replaces the current one)" : "Issue certificate"}
        </SubmitButton>
      </div>
    </form>
  );
}

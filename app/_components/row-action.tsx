"use client";

import { type ReactNode, useActionState, useId } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";

/**
 * A one-button form for a row (remove, revoke, retire) with its own result line. With `confirm`
 * (the question, e.g. "Delete host docker1?") the button opens a confirmation dialog first;
 * `details` says what follows, `typed` asks for that text before the action may go ahead.
 */
export function RowAction({
  action,
  id,
  label,
  confirm,
  details,
  confirmLabel,
  typed,
  danger = true,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  id: string;
  label: string;
  confirm?: string;
  details?: ReactNode;
  confirmLabel?: string;
  typed?: string;
  danger?: boolean;
}) {
  const [state, formAction] = useActionState<FormState, FormData>(action, {});
  const formId = useId();
  const className = `small ${danger ? "danger" : "secondary"}`;
  return (
    <form id={formId} action={formAction}>
      <input type="hidden" name="id" value={id} />
      {confirm ? (
        <ConfirmButton
          form={formId}
          className={className}
          label={label}
          title={confirm}
          confirmLabel={confirmLabel ?? label}
          danger={danger}
          typed={typed}
        >
          {details}
        </ConfirmButton>
      ) : (
        <SubmitButton className={className}>{label}</SubmitButton>
      )}
      {/* Success speaks through the page: the row changes, or a notice follows the action. */}
      {state.message && !state.ok ? (
        <p className="field-error" role="alert">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}

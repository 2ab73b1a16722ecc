"use client";

import { useActionState } from "react";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";

/** A one-button form whose result, good or bad, is read out next to it ("Send a test", "Run the check now"). */
export function ChannelAction({
  action,
  id,
  label,
  fields = {},
  testId,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  id?: string;
  label: string;
  fields?: Record<string, string>;
  testId?: string;
}) {
  const [state, formAction] = useActionState<FormState, FormData>(action, {});
  return (
    <form action={formAction} data-testid={testId}>
      {id ? <input type="hidden" name="id" value={id} /> : null}
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <SubmitButton className="small secondary">{label}</SubmitButton>
      <span aria-live="polite">
        {state.message ? (
          <span className={state.ok ? "ok-text" : "field-error"} role={state.ok ? "status" : "alert"}>
            {" "}
            {state.message}
          </span>
        ) : null}
      </span>
    </form>
  );
}

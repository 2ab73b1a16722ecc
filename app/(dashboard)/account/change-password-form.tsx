"use client";

import { useActionState } from "react";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";
import { useFormMemory } from "@/app/_components/use-form-memory";
import { changePasswordAction } from "./actions";

export function ChangePasswordForm({ minLength }: { minLength: number }) {
  const [state, action] = useActionState<FormState, FormData>(changePasswordAction, {});
  const memory = useFormMemory(state);
  const err = state.fieldErrors ?? {};
  return (
    <form key={memory.key} action={action} onSubmit={memory.onSubmit} className="stack" noValidate>
      <FormMessage state={state} />
      <TextField
        name="current"
        id="current-password"
        label="Current password"
        errors={err.current}
        type="password"
        autoComplete="current-password"
      />
      <TextField
        name="password"
        id="new-password"
        label="New password"
        hint={`At least ${minLength} characters. Your other sessions end; this one stays.`}
        errors={err.password}
        type="password"
        autoComplete="new-password"
      />
      <TextField
        name="confirm"
        id="confirm-password"
        label="New password again"
        errors={err.confirm}
        type="password"
        autoComplete="new-password"
      />
      <div>
        <SubmitButton pendingText="Changing…">Change password</SubmitButton>
      </div>
    </form>
  );
}

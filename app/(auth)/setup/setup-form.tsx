"use client";

import { useActionState } from "react";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
import { useFormMemory } from "@/app/_components/use-form-memory";
import { setupAction } from "./actions";

export function SetupForm({ minLength }: { minLength: number }) {
  const [state, action] = useActionState<FormState, FormData>(setupAction, {});
  const memory = useFormMemory(state);
  const err = state.fieldErrors ?? {};
  return (
    <form key={memory.key} action={action} onSubmit={memory.onSubmit} className="stack" noValidate>
      <FormMessage state={state} />
      <Field name="username" label="Username" errors={err.username}>
        <input
          id="username"
          name="username"
          defaultValue={memory.value("username")}
          type="text"
          autoComplete="username"
          required
          aria-invalid={!!err.username}
        />
      </Field>
      <Field name="password" label="Password" hint={`At least ${minLength} characters.`} errors={err.password}>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          aria-invalid={!!err.password}
        />
      </Field>
      <Field name="confirm" label="Repeat password" errors={err.confirm}>
        <input
          id="confirm"
          name="confirm"
          type="password"
          autoComplete="new-password"
          required
          aria-invalid={!!err.confirm}
        />
      </Field>
      <SubmitButton pendingText="Creating…">Create admin</SubmitButton>
    </form>
  );
}

"use client";

import { useActionState } from "react";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
import { useFormMemory } from "@/app/_components/use-form-memory";
import { loginAction } from "./actions";

export function LoginForm() {
  const [state, action] = useActionState<FormState, FormData>(loginAction, {});
  const memory = useFormMemory(state);
  const err = state.fieldErrors ?? {};
  return (
    <form key={memory.key} action={action} onSubmit={memory.onSubmit} className="stack" noValidate>
      <FormMessage state={state} />
      <Field name="username" label="Username" errors={err.username}>
        <input
          id="username"
          name="username"
          type="text"
          autoComplete="username"
          required
          defaultValue={memory.value("username")}
          aria-invalid={!!err.username}
        />
      </Field>
      <Field name="password" label="Password" errors={err.password}>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={!!err.password}
        />
      </Field>
      <SubmitButton pendingText="Signing in…">Sign in</SubmitButton>
    </form>
  );
}

"use client";

import { useActionState } from "react";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";
import { useFormMemory } from "@/app/_components/use-form-memory";
import { loginAction } from "./actions";

export function LoginForm() {
  const [state, action] = useActionState<FormState, FormData>(loginAction, {});
  const memory = useFormMemory(state);
  const err = state.fieldErrors ?? {};
  return (
    <form key={memory.key} action={action} onSubmit={memory.onSubmit} className="stack" noValidate>
      <FormMessage state={state} />
      {/* The page exists to sign in (or set up): its first field is where the cursor belongs. */}
      <TextField
        autoFocus
        name="username"
        label="Username"
        errors={err.username}
        autoComplete="username"
        required
        defaultValue={memory.value("username")}
      />
      <TextField
        name="password"
        label="Password"
        errors={err.password}
        type="password"
        autoComplete="current-password"
        required
      />
      <SubmitButton pendingText="Signing in…">Sign in</SubmitButton>
    </form>
  );
}

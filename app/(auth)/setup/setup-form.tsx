"use client";

import { useActionState } from "react";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";
import { useFormMemory } from "@/app/_components/use-form-memory";
import { setupAction } from "./actions";

export function SetupForm({ minLength }: { minLength: number }) {
  const [state, action] = useActionState<FormState, FormData>(setupAction, {});
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
        defaultValue={memory.value("username")}
        autoComplete="username"
        required
      />
      <TextField
        name="password"
        label="Password"
        hint={`At least ${minLength} characters.`}
        errors={err.password}
        type="password"
        autoComplete="new-password"
        required
      />
      <TextField
        name="confirm"
        label="Repeat password"
        errors={err.confirm}
        type="password"
        autoComplete="new-password"
        required
      />
      <SubmitButton pendingText="Creating…">Create admin</SubmitButton>
    </form>
  );
}

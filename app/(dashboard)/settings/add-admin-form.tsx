"use client";

import { useActionState } from "react";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";
import { useFormMemory } from "@/app/_components/use-form-memory";
import { addAdminAction } from "./actions";

export function AddAdminForm({ minLength }: { minLength: number }) {
  const [state, action] = useActionState<FormState, FormData>(addAdminAction, {});
  const memory = useFormMemory(state);
  const err = state.fieldErrors ?? {};
  return (
    <form key={memory.key} action={action} onSubmit={memory.onSubmit} className="stack" noValidate>
      <h3>Add an admin</h3>
      <FormMessage state={state} />
      <TextField
        name="username"
        id="new-username"
        label="Username"
        errors={err.username}
        defaultValue={memory.value("username")}
        autoComplete="off"
      />
      <TextField
        name="password"
        id="new-password"
        label="Password"
        hint={`At least ${minLength} characters.`}
        errors={err.password}
        type="password"
        autoComplete="new-password"
      />
      <div>
        <SubmitButton pendingText="Adding…">Add admin</SubmitButton>
      </div>
    </form>
  );
}

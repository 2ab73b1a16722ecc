"use client";

import { useActionState } from "react";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
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
      <Field name="new-username" label="Username" errors={err.username}>
        <input
          id="new-username"
          name="username"
          defaultValue={memory.value("username")}
          type="text"
          autoComplete="off"
          aria-invalid={!!err.username}
        />
      </Field>
      <Field name="new-password" label="Password" hint={`At least ${minLength} characters.`} errors={err.password}>
        <input
          id="new-password"
          name="password"
          type="password"
          autoComplete="new-password"
          aria-invalid={!!err.password}
        />
      </Field>
      <div>
        <SubmitButton pendingText="Adding…">Add admin</SubmitButton>
      </div>
    </form>
  );
}

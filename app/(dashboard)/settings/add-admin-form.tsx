"use client";

import { useActionState } from "react";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";
import { useFormMemory } from "@/app/_components/use-form-memory";
import { ROLE_WORDS, ROLES } from "@/lib/auth/roles";
import { addAdminAction } from "./actions";

export function AddAdminForm({ minLength }: { minLength: number }) {
  const [state, action] = useActionState<FormState, FormData>(addAdminAction, {});
  const memory = useFormMemory(state);
  const err = state.fieldErrors ?? {};
  return (
    <form key={memory.key} action={action} onSubmit={memory.onSubmit} className="stack" noValidate>
      <h3>Add an account</h3>
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
      <Field name="new-role" label="Role" errors={err.role}>
        <select id="new-role" name="role" defaultValue={memory.value("role", "operator")}>
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {ROLE_WORDS[role]}
            </option>
          ))}
        </select>
      </Field>
      <div>
        <SubmitButton pendingText="Adding…">Add account</SubmitButton>
      </div>
    </form>
  );
}

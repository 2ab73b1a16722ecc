"use client";

import { useActionState } from "react";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
import { ROLES, type Role } from "@/lib/auth/roles";
import { setRoleAction } from "./actions";

/** An account's role, changed in place; the change applies to their next request. */
export function RoleForm({ id, username, role }: { id: string; username: string; role: Role }) {
  const [state, action] = useActionState<FormState, FormData>(setRoleAction, {});
  return (
    <form action={action} className="row">
      <input type="hidden" name="id" value={id} />
      <label className="sr-only" htmlFor={`role-${id}`}>
        Role of {username}
      </label>
      <select id={`role-${id}`} name="role" defaultValue={role}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <SubmitButton className="small secondary">Change</SubmitButton>
      <span role="status" className={state.ok ? "muted" : "field-error"}>
        {state.message}
      </span>
    </form>
  );
}

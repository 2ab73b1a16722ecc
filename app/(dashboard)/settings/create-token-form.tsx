"use client";

import { useActionState } from "react";
import { CopyButton } from "@/app/_components/copy-button";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";
import { useFormMemory } from "@/app/_components/use-form-memory";
import { ROLE_WORDS, TOKEN_SCOPES } from "@/lib/auth/roles";
import { createTokenAction } from "./actions";

export function CreateTokenForm() {
  const [state, action] = useActionState<FormState & { token?: string }, FormData>(createTokenAction, {});
  const memory = useFormMemory(state);
  const err = state.fieldErrors ?? {};
  return (
    <form key={memory.key} action={action} onSubmit={memory.onSubmit} className="stack" noValidate>
      <h3>Create an API token</h3>
      <FormMessage state={state} />
      {state.token ? (
        <div className="row">
          <code className="mono" data-testid="new-token">
            {state.token}
          </code>
          <CopyButton text={state.token} />
        </div>
      ) : null}
      <TextField
        name="name"
        id="token-name"
        label="Name"
        hint="What uses it, e.g. ci-deploy or monitoring."
        errors={err.name}
        defaultValue={memory.value("name")}
        autoComplete="off"
      />
      <Field name="scope" label="What it may do" errors={err.scope}>
        <select id="scope" name="scope" defaultValue={memory.value("scope", "admin")}>
          {TOKEN_SCOPES.map((scope) => (
            <option key={scope} value={scope}>
              {ROLE_WORDS[scope]}
            </option>
          ))}
        </select>
      </Field>
      <TextField
        name="expires"
        id="token-expires"
        label="Expires"
        hint="30d, 12h, 2w or a date such as 2027-06-30; empty: until revoked."
        errors={err.expires}
        defaultValue={memory.value("expires")}
        autoComplete="off"
      />
      <div>
        <SubmitButton pendingText="Creating…">Create token</SubmitButton>
      </div>
    </form>
  );
}

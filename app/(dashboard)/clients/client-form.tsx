"use client";

import { useActionState } from "react";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { KeyTypeSelect } from "@/app/_components/key-type-select";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";
import { useFormMemory } from "@/app/_components/use-form-memory";
import type { ClientInput } from "@/lib/inventory/clients.schema";

export function ClientForm({
  action,
  client,
  submitLabel,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  client: ClientInput & { id?: string };
  submitLabel: string;
}) {
  const [state, formAction] = useActionState<FormState, FormData>(action, {});
  const memory = useFormMemory(state);
  const err = state.fieldErrors ?? {};
  return (
    <form key={memory.key} action={formAction} onSubmit={memory.onSubmit} className="stack" noValidate>
      {client.id ? <input type="hidden" name="id" value={client.id} /> : null}
      <FormMessage state={state} />
      <div className="grid cols-2">
        <TextField
          name="name"
          label="Name"
          hint="Becomes the certificate's common name, e.g. alice or ci-runner-1."
          errors={err.name}
          defaultValue={memory.value("name", client.name)}
        />
        <Field name="kind" label="Kind" errors={err.kind}>
          <select id="kind" name="kind" defaultValue={memory.value("kind", client.kind)}>
            <option value="person">Person</option>
            <option value="ci">CI server</option>
            <option value="service">Service</option>
          </select>
        </Field>
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          name="renewalEnabled"
          defaultChecked={memory.checked("renewalEnabled", client.renewalEnabled)}
        />{" "}
        Renews itself: the client's agent (dockpki-renew) replaces the certificate before it expires
      </label>
      <KeyTypeSelect
        name="keyType"
        label="Key type"
        errors={err.keyType}
        defaultValue={memory.value("keyType", client.keyType ?? "")}
        inherit="As in the settings"
      />
      <Field name="notes" label="Notes" errors={err.notes}>
        <textarea
          id="notes"
          name="notes"
          defaultValue={memory.value("notes", client.notes)}
          style={{ fontFamily: "inherit", minHeight: 60 }}
        />
      </Field>
      <div>
        <SubmitButton pendingText="Saving…">{submitLabel}</SubmitButton>
      </div>
    </form>
  );
}

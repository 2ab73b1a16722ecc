"use client";

import { useActionState, useId } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { CaKeySelect } from "@/app/_components/key-type-select";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";
import { useFormMemory } from "@/app/_components/use-form-memory";
import { createCaAction } from "./actions";
import { RotationFacts } from "./rotation-facts";

export function CreateCaForm({ rotate = false }: { rotate?: boolean }) {
  const [state, action] = useActionState<FormState, FormData>(createCaAction, {});
  const memory = useFormMemory(state);
  const err = state.fieldErrors ?? {};
  const formId = useId();
  return (
    <form key={memory.key} id={formId} action={action} onSubmit={memory.onSubmit} className="stack" noValidate>
      {rotate ? <input type="hidden" name="mode" value="rotate" /> : <h2>Create a new CA</h2>}
      <FormMessage state={state} />
      <TextField
        name="commonName"
        label="Common name"
        hint="Shown as the issuer of every certificate, e.g. Docker CA."
        errors={err.commonName}
        defaultValue={memory.value("commonName", rotate ? `Docker CA ${new Date().getFullYear()}` : "Docker CA")}
      />
      <div className="grid cols-2">
        <TextField
          name="organization"
          label="Organization (optional)"
          errors={err.organization}
          defaultValue={memory.value("organization")}
        />
        <TextField
          name="organizationalUnit"
          label="Organizational unit (optional)"
          errors={err.organizationalUnit}
          defaultValue={memory.value("organizationalUnit")}
        />
        <CaKeySelect
          errors={[...(err.keyType ?? []), ...(err.keySize ?? [])]}
          defaultValue={memory.value("key", "ecdsa-p256")}
        />
        <TextField
          name="days"
          label="Validity (days)"
          hint="3650 is ten years; Docker's classic recipe uses 365."
          errors={err.days}
          type="number"
          min={1}
          defaultValue={memory.value("days", 3650)}
        />
      </div>
      <div>
        {rotate ? (
          <ConfirmButton
            form={formId}
            label="Create the successor CA"
            title="Start a CA rotation?"
            confirmLabel="Create the successor CA"
            typed="rotate"
          >
            <RotationFacts />
          </ConfirmButton>
        ) : (
          <SubmitButton pendingText="Generating key…">Create CA</SubmitButton>
        )}
      </div>
    </form>
  );
}

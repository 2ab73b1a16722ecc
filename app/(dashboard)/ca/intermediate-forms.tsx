"use client";

import { useActionState } from "react";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { CaKeySelect } from "@/app/_components/key-type-select";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";
import { useFormMemory } from "@/app/_components/use-form-memory";
import { activateIntermediateAction, requestIntermediateAction } from "./actions";

/** Step 1: the issuing CA's name and key; dockpki makes the key and a CSR. */
export function RequestIntermediateForm({ again }: { again?: boolean }) {
  const [state, action] = useActionState<FormState, FormData>(requestIntermediateAction, {});
  const memory = useFormMemory(state);
  const err = state.fieldErrors ?? {};
  return (
    <form key={memory.key} action={action} onSubmit={memory.onSubmit} className="stack" noValidate>
      <FormMessage state={state} />
      <div className="grid cols-2">
        <TextField
          name="commonName"
          id="intermediateCommonName"
          label="Issuing CA name"
          errors={err.commonName}
          defaultValue={memory.value("commonName", `Docker Issuing CA ${new Date().getFullYear()}`)}
        />
        <CaKeySelect
          id="intermediateKey"
          errors={[...(err.keyType ?? []), ...(err.keySize ?? [])]}
          defaultValue={memory.value("key", "ecdsa-p256")}
        />
        <TextField
          name="days"
          id="intermediateDays"
          label="Validity the root should give it (days)"
          hint="Goes into the signing command; 1825 is five years."
          errors={err.days}
          type="number"
          min={1}
          defaultValue={memory.value("days", 1825)}
        />
      </div>
      <div>
        <SubmitButton pendingText="Making the key…">
          {again ? "Make a new request instead" : "Make the key and CSR"}
        </SubmitButton>
      </div>
    </form>
  );
}

/** Step 3: the certificate the root signed, and the root's certificate (never its key). */
export function ActivateIntermediateForm() {
  const [state, action] = useActionState<FormState, FormData>(activateIntermediateAction, {});
  const memory = useFormMemory(state);
  const err = state.fieldErrors ?? {};
  return (
    <form key={memory.key} action={action} onSubmit={memory.onSubmit} className="stack" noValidate>
      <FormMessage state={state} />
      <Field name="intermediateCertPem" label="Signed intermediate certificate (intermediate.pem)" errors={err.certPem}>
        <textarea
          id="intermediateCertPem"
          name="certPem"
          defaultValue={memory.value("certPem")}
          placeholder="-----BEGIN CERTIFICATE-----"
          aria-invalid={!!err.certPem}
          spellCheck={false}
        />
      </Field>
      <Field name="intermediateRootPem" label="Root certificate (root.pem)" errors={err.rootPem}>
        <textarea
          id="intermediateRootPem"
          name="rootPem"
          defaultValue={memory.value("rootPem")}
          placeholder="-----BEGIN CERTIFICATE-----"
          aria-invalid={!!err.rootPem}
          spellCheck={false}
        />
      </Field>
      <div>
        <SubmitButton pendingText="Checking…">Activate the issuing CA</SubmitButton>
      </div>
    </form>
  );
}

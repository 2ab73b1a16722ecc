"use client";

import { type ChangeEvent, useActionState, useRef } from "react";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";
import { useFormMemory } from "@/app/_components/use-form-memory";
import { importCaAction } from "./actions";

/** Reads an uploaded PEM file into its textarea, so pasting and uploading submit the same way. */
function loadInto(target: React.RefObject<HTMLTextAreaElement | null>) {
  return async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file && target.current) target.current.value = await file.text();
  };
}

export function ImportCaForm() {
  const [state, action] = useActionState<FormState, FormData>(importCaAction, {});
  const memory = useFormMemory(state);
  const certRef = useRef<HTMLTextAreaElement>(null);
  const keyRef = useRef<HTMLTextAreaElement>(null);
  const err = state.fieldErrors ?? {};
  return (
    <form key={memory.key} action={action} onSubmit={memory.onSubmit} className="stack" noValidate>
      <h2>Import an existing CA</h2>
      <p className="muted">
        Bring the <code>ca.pem</code> and <code>ca-key.pem</code> of the classic openssl recipe (ECDSA P-256/P-384 or
        RSA keys, PEM, PKCS#1, SEC1 or PKCS#8, optionally passphrase-protected). The key is encrypted at rest.
      </p>
      <FormMessage state={state} />
      <Field name="certPem" label="CA certificate (ca.pem)" errors={err.certPem}>
        <textarea
          id="certPem"
          name="certPem"
          defaultValue={memory.value("certPem")}
          ref={certRef}
          placeholder="-----BEGIN CERTIFICATE-----"
          aria-invalid={!!err.certPem}
        />
      </Field>
      <input type="file" accept=".pem,.crt,.cer,text/plain" aria-label="Upload ca.pem" onChange={loadInto(certRef)} />
      <Field name="keyPem" label="CA private key (ca-key.pem)" errors={err.keyPem}>
        <textarea
          id="keyPem"
          name="keyPem"
          defaultValue={memory.value("keyPem")}
          ref={keyRef}
          placeholder="-----BEGIN RSA PRIVATE KEY-----"
          aria-invalid={!!err.keyPem}
          autoComplete="off"
          spellCheck={false}
        />
      </Field>
      <input type="file" accept=".pem,.key,text/plain" aria-label="Upload ca-key.pem" onChange={loadInto(keyRef)} />
      <TextField
        name="passphrase"
        label="Key passphrase (if the key is encrypted)"
        errors={err.passphrase}
        type="password"
        autoComplete="off"
      />
      <div>
        <SubmitButton pendingText="Checking…">Import CA</SubmitButton>
      </div>
    </form>
  );
}

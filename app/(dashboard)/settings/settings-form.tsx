"use client";

import { useActionState } from "react";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { KeyTypeSelect } from "@/app/_components/key-type-select";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";
import { useFormMemory } from "@/app/_components/use-form-memory";
import type { Settings } from "@/lib/settings.schema";
import { saveSettingsAction } from "./actions";
import { MonitoringFields } from "./monitoring-fields";
import { RenewalFields } from "./renewal-fields";

export function SettingsForm({ settings }: { settings: Settings }) {
  const [state, action] = useActionState<FormState, FormData>(saveSettingsAction, {});
  const memory = useFormMemory(state);
  const err = state.fieldErrors ?? {};
  return (
    <form key={memory.key} action={action} onSubmit={memory.onSubmit} className="stack" noValidate>
      <FormMessage state={state} />
      <TextField
        name="sslDir"
        label="Certificate folder on Docker hosts"
        hint="Where bundles install ca.pem, cert.pem and key.pem, and where custom.conf and daemon.json point."
        errors={err.sslDir}
        defaultValue={memory.value("sslDir", settings.sslDir)}
      />
      <div className="grid cols-2">
        <TextField
          name="serverCertDays"
          label="Server certificate lifetime (days)"
          errors={err.serverCertDays}
          type="number"
          min={1}
          defaultValue={memory.value("serverCertDays", settings.serverCertDays)}
        />
        <TextField
          name="clientCertDays"
          label="Client certificate lifetime (days)"
          hint="dockerd does not check CRLs: a short client lifetime is what limits a leaked client certificate."
          errors={err.clientCertDays}
          type="number"
          min={1}
          defaultValue={memory.value("clientCertDays", settings.clientCertDays)}
        />
        <KeyTypeSelect
          name="leafKeyType"
          label="Key type of new certificates"
          hint="A host or client may choose its own. Certificates from a CSR keep the CSR's key."
          errors={err.leafKeyType}
          defaultValue={memory.value("leafKeyType", settings.leafKeyType)}
        />
        <Field name="leafKeySize" label="RSA key size" hint="For RSA keys only." errors={err.leafKeySize}>
          <select
            id="leafKeySize"
            name="leafKeySize"
            defaultValue={memory.value("leafKeySize", String(settings.leafKeySize))}
          >
            <option value="3072">3072 bits (recommended for RSA)</option>
            <option value="2048">2048 bits (fastest RSA)</option>
            <option value="4096">4096 bits</option>
          </select>
        </Field>
        <TextField
          name="keyPoolSize"
          label="RSA keys kept ready"
          hint="Pre-generated, sealed, each used once, so an RSA issuance does not wait for a keygen. 0 turns the pool off."
          errors={err.keyPoolSize}
          type="number"
          min={0}
          max={64}
          defaultValue={memory.value("keyPoolSize", settings.keyPoolSize)}
        />
        <TextField
          name="crlDays"
          label="CRL validity (days)"
          errors={err.crlDays}
          type="number"
          min={1}
          defaultValue={memory.value("crlDays", settings.crlDays)}
        />
        <TextField
          name="auditRetentionDays"
          label="Keep audit events for (days)"
          hint="Empty keeps every event. Older events are deleted every ten minutes."
          errors={err.auditRetentionDays}
          type="number"
          min={1}
          defaultValue={memory.value("auditRetentionDays", settings.auditRetentionDays ?? "")}
        />
        <TextField
          name="auditRetentionCount"
          label="Keep at most this many audit events"
          hint="Empty keeps every event; otherwise the newest are kept (at least 1000)."
          errors={err.auditRetentionCount}
          type="number"
          min={1000}
          defaultValue={memory.value("auditRetentionCount", settings.auditRetentionCount ?? "")}
        />
      </div>
      <RenewalFields settings={settings} memory={memory} err={err} />
      <MonitoringFields settings={settings} memory={memory} err={err} />
      <input type="hidden" name="publicMetrics" value="false" />
      <label className="checkbox">
        <input
          type="checkbox"
          name="publicMetrics"
          defaultChecked={memory.checked("publicMetrics", settings.publicMetrics)}
        />{" "}
        Public metrics: <span className="mono">/metrics</span> answers without a token (only for a Prometheus on a
        network you trust; otherwise give it a token with the metrics scope)
      </label>
      <div>
        <SubmitButton pendingText="Saving…">Save settings</SubmitButton>
      </div>
    </form>
  );
}

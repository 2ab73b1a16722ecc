"use client";

import { useActionState, useState } from "react";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { KeyTypeSelect } from "@/app/_components/key-type-select";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";
import { useFormMemory } from "@/app/_components/use-form-memory";
import type { HostFormValues } from "./form-values";

export function HostForm({
  action,
  host,
  submitLabel,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  host: HostFormValues;
  submitLabel: string;
}) {
  const [state, formAction] = useActionState<FormState, FormData>(action, {});
  const memory = useFormMemory(state);
  const [tlsMode, setTlsMode] = useState(host.tlsMode);
  const err = state.fieldErrors ?? {};
  return (
    <form key={memory.key} action={formAction} onSubmit={memory.onSubmit} className="stack" noValidate>
      {host.id ? <input type="hidden" name="id" value={host.id} /> : null}
      <FormMessage state={state} />
      <div className="grid cols-2">
        <TextField
          name="name"
          label="Name"
          hint="How you call this host; used in file names and docker context names."
          errors={err.name}
          defaultValue={memory.value("name", host.name)}
        />
        <TextField
          name="port"
          label="TLS port"
          hint="2376 is Docker's TLS port. 2375 (plain HTTP) is never used."
          errors={err.port}
          type="number"
          min={1}
          max={65535}
          defaultValue={memory.value("port", host.port)}
        />
        <Field
          name="dnsNames"
          label="DNS names"
          hint="One per line or comma-separated. Clients must dial one of these names or addresses; Go checks them, not the CN."
          errors={err.dnsNames}
        >
          <textarea
            id="dnsNames"
            name="dnsNames"
            defaultValue={memory.value("dnsNames", host.dnsNames.join("\n"))}
            placeholder={"docker1.example.com\nlocalhost"}
            aria-invalid={!!err.dnsNames}
          />
        </Field>
        <Field
          name="ipAddresses"
          label="IP addresses"
          hint="IPv4 and IPv6. Add 127.0.0.1 to use TCP from the host itself."
          errors={err.ipAddresses}
        >
          <textarea
            id="ipAddresses"
            name="ipAddresses"
            defaultValue={memory.value("ipAddresses", host.ipAddresses.join("\n"))}
            placeholder={"10.0.0.12\n127.0.0.1"}
            aria-invalid={!!err.ipAddresses}
          />
        </Field>
        <Field name="configStyle" label="Daemon configuration" errors={err.configStyle}>
          <select id="configStyle" name="configStyle" defaultValue={memory.value("configStyle", host.configStyle)}>
            <option value="systemd">systemd drop-in (custom.conf)</option>
            <option value="daemon-json">daemon.json + minimal drop-in</option>
          </select>
        </Field>
        <Field name="tlsMode" label="Client verification" errors={err.tlsMode}>
          <select
            id="tlsMode"
            name="tlsMode"
            value={tlsMode}
            onChange={(e) => setTlsMode(e.target.value as HostFormValues["tlsMode"])}
          >
            <option value="mtls">Mutual TLS: only clients with a certificate from this CA (recommended)</option>
            <option value="tls-only">TLS only: encrypts, but lets any client in</option>
          </select>
        </Field>
        <Field name="role" label="Role" errors={err.role}>
          <select id="role" name="role" defaultValue={memory.value("role", host.role)}>
            <option value="standalone">Standalone Docker host</option>
            <option value="swarm-manager">Classic Swarm manager (certificate also allows client auth)</option>
          </select>
        </Field>
        <TextField
          name="labels"
          label="Labels"
          hint="Free text, e.g. prod, eu-west."
          errors={err.labels}
          defaultValue={memory.value("labels", host.labels)}
        />
      </div>
      {tlsMode === "tls-only" ? (
        <p className="notice warn" role="alert">
          TLS only: dockerd will accept any client that can reach the port, with or without a certificate. Anyone who
          can connect controls the daemon, which means root on the host. Use mutual TLS unless something else guards the
          port.
        </p>
      ) : null}
      <label className="checkbox">
        <input
          type="checkbox"
          name="keepUnixSocket"
          defaultChecked={memory.checked("keepUnixSocket", host.keepUnixSocket)}
        />{" "}
        Keep the local unix socket (/var/run/docker.sock) as well as TCP
      </label>
      <label className="checkbox">
        <input type="checkbox" name="localAccess" defaultChecked={memory.checked("localAccess", host.localAccess)} />{" "}
        Reachable locally over TLS: the certificate also covers <span className="mono">localhost</span> and{" "}
        <span className="mono">127.0.0.1</span>, for docker commands run on the host itself
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          name="renewalEnabled"
          defaultChecked={memory.checked("renewalEnabled", host.renewalEnabled)}
        />{" "}
        Renews itself: the host's agent (dockpki-renew) replaces the certificate before it expires and restarts dockerd
      </label>
      <TextField
        name="renewWindow"
        label="Maintenance window for renewals (optional)"
        hint="When the agent may restart dockerd, host's local time, e.g. 02:00-04:00 or Sat,Sun 03:00-05:00. Empty: once a day at a random time."
        errors={err.renewWindow}
        defaultValue={memory.value("renewWindow", host.renewWindow ?? "")}
      />
      <KeyTypeSelect
        name="keyType"
        label="Key type"
        errors={err.keyType}
        defaultValue={memory.value("keyType", host.keyType ?? "")}
        inherit="As in the settings"
      />
      <Field name="notes" label="Notes" errors={err.notes}>
        <textarea
          id="notes"
          name="notes"
          defaultValue={memory.value("notes", host.notes)}
          style={{ fontFamily: "inherit", minHeight: 60 }}
        />
      </Field>
      <div>
        <SubmitButton pendingText="Saving…">{submitLabel}</SubmitButton>
      </div>
    </form>
  );
}

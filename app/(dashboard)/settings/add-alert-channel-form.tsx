"use client";

import { useActionState, useState } from "react";
import { Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";
import { useFormMemory } from "@/app/_components/use-form-memory";
import { addAlertChannelAction } from "./actions";

/** Adds a webhook, Slack-compatible or email channel; only the fields of the chosen type are shown. */
export function AddAlertChannelForm() {
  const [state, action] = useActionState<FormState, FormData>(addAlertChannelAction, {});
  const memory = useFormMemory(state);
  const [type, setType] = useState(memory.value("type", "webhook"));
  const err = state.fieldErrors ?? {};
  return (
    <form key={memory.key} action={action} onSubmit={memory.onSubmit} className="stack" noValidate>
      <h3>Add an alert channel</h3>
      <FormMessage state={state} />
      <div className="grid cols-2">
        <Field name="channel-type" label="Type" errors={err.type}>
          <select id="channel-type" name="type" value={type} onChange={(e) => setType(e.target.value)}>
            <option value="webhook">Webhook (JSON, optionally signed)</option>
            <option value="slack">Slack-compatible ({'{"text": …}'}: Slack, Mattermost, Rocket.Chat, Teams)</option>
            <option value="email">Email (SMTP)</option>
          </select>
        </Field>
        <TextField
          name="name"
          id="channel-name"
          label="Channel name"
          hint="e.g. ops-slack or oncall-mail"
          errors={err.name}
          defaultValue={memory.value("name")}
          autoComplete="off"
        />
      </div>
      {type === "email" ? (
        <div className="grid cols-2">
          <TextField
            name="smtpHost"
            label="SMTP server"
            errors={err.smtpHost}
            defaultValue={memory.value("smtpHost")}
          />
          <TextField
            name="smtpPort"
            label="Port"
            type="number"
            errors={err.smtpPort}
            defaultValue={memory.value("smtpPort", "587")}
          />
          <Field name="smtpSecurity" label="Encryption" errors={err.smtpSecurity}>
            <select id="smtpSecurity" name="smtpSecurity" defaultValue={memory.value("smtpSecurity", "starttls")}>
              <option value="starttls">STARTTLS (port 587)</option>
              <option value="tls">TLS from the start (port 465)</option>
              <option value="none">None (a relay on this machine only)</option>
            </select>
          </Field>
          <TextField
            name="smtpUser"
            label="User (optional)"
            errors={err.smtpUser}
            defaultValue={memory.value("smtpUser")}
            autoComplete="off"
          />
          <TextField
            name="smtpPassword"
            label="Password (optional)"
            hint="Sealed with the master key; never shown again."
            type="password"
            errors={err.smtpPassword}
            autoComplete="new-password"
          />
          <TextField
            name="smtpFrom"
            label="From"
            errors={err.smtpFrom}
            defaultValue={memory.value("smtpFrom")}
            inputMode="email"
          />
          <TextField
            name="smtpTo"
            label="To"
            hint="One or more addresses, separated by commas."
            errors={err.smtpTo}
            defaultValue={memory.value("smtpTo")}
            inputMode="email"
          />
        </div>
      ) : (
        <div className="grid cols-2">
          <TextField
            name="url"
            label="URL"
            hint="Sealed with the master key: a webhook URL is often a credential. Only its scheme and host are shown."
            errors={err.url}
            inputMode="url"
            autoComplete="off"
          />
          {type === "webhook" ? (
            <TextField
              name="secret"
              label="Signing secret (optional)"
              hint="16 characters or more: each body is signed with HMAC-SHA256 in X-Dockpki-Signature-256."
              type="password"
              errors={err.secret}
              autoComplete="new-password"
            />
          ) : null}
        </div>
      )}
      <input type="hidden" name="enabled" value="false" />
      <label className="checkbox">
        <input type="checkbox" name="enabled" defaultChecked={memory.checked("enabled", true)} /> On: send alerts to
        this channel
      </label>
      <div>
        <SubmitButton pendingText="Adding…">Add channel</SubmitButton>
      </div>
    </form>
  );
}

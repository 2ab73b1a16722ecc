import { Field } from "@/app/_components/field";
import { TextField } from "@/app/_components/text-field";
import type { useFormMemory } from "@/app/_components/use-form-memory";
import type { Settings } from "@/lib/settings.schema";

/** The settings form's "Renewal and enrollment" group: where agents reach the dashboard, and lifetimes. */
export function RenewalFields({
  settings,
  memory,
  err,
}: {
  settings: Settings;
  memory: ReturnType<typeof useFormMemory>;
  err: Record<string, string[]>;
}) {
  return (
    <div className="stack">
      <h3>Renewal and enrollment</h3>
      {settings.publicUrl ? null : (
        <p className="notice warn" data-testid="public-url-unset">
          No public URL is set: bundles carry no renewal agent, and enrollment commands are off. Certificates then last
          their full lifetime above and are replaced only by hand.
        </p>
      )}
      <TextField
        name="publicUrl"
        label="Public URL of this dashboard"
        hint="Where hosts and clients reach the dashboard, e.g. https://dockpki.example.com. When empty, bundles carry no renewal agent and enrollment is off."
        errors={err.publicUrl}
        inputMode="url"
        autoComplete="off"
        placeholder="https://dockpki.example.com"
        defaultValue={memory.value("publicUrl", settings.publicUrl ?? "")}
      />
      <Field
        name="publicUrlCaPem"
        label="The dashboard's TLS CA (optional)"
        hint="Only for https with a private CA: the certificate (PEM) that signed the dashboard's TLS certificate, so agents trust it."
        errors={err.publicUrlCaPem}
      >
        <textarea
          id="publicUrlCaPem"
          name="publicUrlCaPem"
          placeholder="-----BEGIN CERTIFICATE-----"
          aria-invalid={!!err.publicUrlCaPem}
          defaultValue={memory.value("publicUrlCaPem", settings.publicUrlCaPem ?? "")}
        />
      </Field>
      <div className="grid cols-2">
        <TextField
          name="renewalServerCertDays"
          label="Server certificate lifetime when renewing (days)"
          errors={err.renewalServerCertDays}
          type="number"
          min={1}
          defaultValue={memory.value("renewalServerCertDays", settings.renewalServerCertDays)}
        />
        <TextField
          name="renewalClientCertDays"
          label="Client certificate lifetime when renewing (days)"
          hint="dockerd reads no CRL: a short client lifetime is what makes revoking a client bite."
          errors={err.renewalClientCertDays}
          type="number"
          min={1}
          defaultValue={memory.value("renewalClientCertDays", settings.renewalClientCertDays)}
        />
        <TextField
          name="renewAtRemainingPercent"
          label="Renew when this share of the lifetime is left (%)"
          hint="Between 5 and 90. An agent well past this point without renewing is listed as overdue on the overview."
          errors={err.renewAtRemainingPercent}
          type="number"
          min={5}
          max={90}
          defaultValue={memory.value("renewAtRemainingPercent", settings.renewAtRemainingPercent)}
        />
        <TextField
          name="enrollmentTokenMinutes"
          label="Enrollment command lifetime (minutes)"
          hint="An enrollment command works once, within this time."
          errors={err.enrollmentTokenMinutes}
          type="number"
          min={1}
          defaultValue={memory.value("enrollmentTokenMinutes", settings.enrollmentTokenMinutes)}
        />
      </div>
    </div>
  );
}

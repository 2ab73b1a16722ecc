import { TextField } from "@/app/_components/text-field";
import type { useFormMemory } from "@/app/_components/use-form-memory";
import type { Settings } from "@/lib/settings.schema";

/** When alerts fire and how often every host is probed. */
export function MonitoringFields({
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
      <h3>Alerts and probes</h3>
      <div className="grid cols-2">
        <TextField
          name="alertThresholdDays"
          label="Alert when a certificate has this many days left"
          hint="Each threshold alerts once per certificate and CA, e.g. 30, 14, 7, 1; expiry itself always alerts."
          errors={err.alertThresholdDays}
          defaultValue={memory.value("alertThresholdDays", settings.alertThresholdDays.join(", "))}
        />
        <TextField
          name="alertRotationOpenDays"
          label="Alert when a CA rotation step is open for (days)"
          errors={err.alertRotationOpenDays}
          type="number"
          min={1}
          defaultValue={memory.value("alertRotationOpenDays", settings.alertRotationOpenDays)}
        />
        <TextField
          name="probeIntervalMinutes"
          label="Probe every host every (minutes)"
          hint="Empty: hosts are probed only by Check now and the API. Each probe opens TLS to every name and address of every host."
          errors={err.probeIntervalMinutes}
          type="number"
          min={5}
          defaultValue={memory.value("probeIntervalMinutes", settings.probeIntervalMinutes ?? "")}
        />
      </div>
    </div>
  );
}

import { Field } from "@/app/_components/field";
import { KEY_TYPES, type KeyType, keyLabel, keySpec, RSA_SIZES } from "@/lib/pki/key-types";

const TYPE_LABELS: Record<KeyType, string> = {
  "ecdsa-p256": "ECDSA P-256 (recommended: fastest, small)",
  "ecdsa-p384": "ECDSA P-384",
  rsa: "RSA",
};

/** The key type of a host's or client's certificates, or of new leaves in the settings. */
export function KeyTypeSelect({
  name,
  label,
  hint,
  errors,
  defaultValue,
  inherit,
}: {
  name: string;
  label: string;
  hint?: string;
  errors?: string[];
  defaultValue: string;
  /** The option that leaves the choice to the settings, naming what they say now. */
  inherit?: string;
}) {
  return (
    <Field name={name} label={label} hint={hint} errors={errors}>
      <select id={name} name={name} defaultValue={defaultValue}>
        {inherit ? <option value="">{inherit}</option> : null}
        {KEY_TYPES.map((t) => (
          <option key={t} value={t}>
            {TYPE_LABELS[t]}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A CA's key, type and size in one choice ("ecdsa-p256", "rsa-4096"). */
export function CaKeySelect({
  errors,
  defaultValue,
  id = "key",
}: {
  errors?: string[];
  defaultValue: string;
  /** When two forms on one page have it. */
  id?: string;
}) {
  const choices = [
    ...KEY_TYPES.filter((t) => t !== "rsa").map((t) => ({ value: t, label: keyLabel(keySpec(t)) })),
    ...[...RSA_SIZES].reverse().map((bits) => ({ value: `rsa-${bits}`, label: `RSA ${bits}` })),
  ];
  return (
    <Field
      name={id}
      label="Key"
      hint="ECDSA P-256 signs fastest and Docker takes it everywhere; a CA of either kind signs leaves of any kind."
      errors={errors}
    >
      <select id={id} name="key" defaultValue={defaultValue}>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.value === "ecdsa-p256" ? `${c.label} (recommended)` : c.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

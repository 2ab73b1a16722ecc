import type { ReactNode } from "react";

/** A labelled form field with its hint and the errors the last submit returned. */
export function Field({
  name,
  label,
  hint,
  errors,
  children,
}: {
  name: string;
  label: string;
  hint?: ReactNode;
  errors?: string[];
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      {children}
      {hint ? (
        <span className="hint" id={`${name}-hint`}>
          {hint}
        </span>
      ) : null}
      {errors?.map((e) => (
        <p key={e} className="field-error" id={`${name}-error`} role="alert">
          {e}
        </p>
      ))}
    </div>
  );
}

import { cloneElement, isValidElement, type ReactElement, type ReactNode } from "react";

type Described = { "aria-describedby"?: string; "aria-invalid"?: boolean };

/**
 * A labelled form field with its hint and the errors the last submit returned. The control (the one
 * child, whose id is `name`) is described by both, so a screen reader reads them with it.
 */
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
  const hintId = hint ? `${name}-hint` : null;
  const errorId = errors?.length ? `${name}-error` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  const control = isValidElement(children)
    ? cloneElement(children as ReactElement<Described>, {
        "aria-describedby": (children.props as Described)["aria-describedby"] ?? describedBy,
        "aria-invalid": (children.props as Described)["aria-invalid"] ?? (errorId ? true : undefined),
      })
    : children;
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      {control}
      {hintId ? (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      {errorId ? (
        <div id={errorId} role="alert">
          {errors?.map((e) => (
            <p key={e} className="field-error">
              {e}
            </p>
          ))}
        </div>
      ) : null}
    </div>
  );
}

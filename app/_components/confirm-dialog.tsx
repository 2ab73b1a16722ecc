"use client";

import { type ReactNode, useId, useRef, useState } from "react";

/**
 * A button that asks before it submits `<form id={form}>`: an accessible modal dialog naming what
 * will happen. Cancel (or Escape) closes it and focus returns to the button; with `typed`, the
 * confirm button stays aria-disabled until exactly that text has been typed.
 */
export function ConfirmButton({
  label,
  className,
  title,
  children,
  confirmLabel,
  danger = false,
  typed,
  form,
  disabled,
}: {
  label: ReactNode;
  className?: string;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  typed?: string;
  form: string;
  disabled?: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const [text, setText] = useState("");
  const id = useId();
  const ready = !typed || text === typed;
  const close = () => {
    dialog.current?.close();
    setText("");
  };
  const confirm = () => {
    if (!ready) return;
    const target = document.getElementById(form);
    close();
    if (target instanceof HTMLFormElement) target.requestSubmit();
  };
  return (
    <>
      <button
        ref={opener}
        type="button"
        className={className}
        disabled={disabled}
        onClick={() => dialog.current?.showModal()}
      >
        {label}
      </button>
      <dialog
        ref={dialog}
        className="confirm-dialog"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-body`}
        onClose={() => {
          setText("");
          opener.current?.focus();
        }}
      >
        <h2 id={`${id}-title`}>{title}</h2>
        <div id={`${id}-body`}>{children}</div>
        {typed ? (
          <label className="field">
            <span>
              Type <strong className="mono">{typed}</strong> to confirm
            </span>
            <input type="text" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />
          </label>
        ) : null}
        <div className="row" style={{ justifyContent: "flex-end", marginTop: 14 }}>
          <button type="button" className="secondary" onClick={close}>
            Cancel
          </button>
          <button type="button" className={danger ? "danger" : undefined} aria-disabled={!ready} onClick={confirm}>
            {confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}

"use client";

import { type ReactNode, useId, useRef, useState } from "react";
import { useFormStatus } from "react-dom";

/**
 * A button that asks first: it opens a modal dialog naming what will happen, and only its confirm
 * button submits `<form id={form}>`. With `typed`, confirming waits until that exact text is typed.
 * The buttons are aria-disabled rather than disabled so focus never drops to the page.
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
  disabled = false,
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
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState("");
  const [tried, setTried] = useState(false);
  // Pending only when this button sits inside the form it submits.
  const { pending } = useFormStatus();
  const blocked = disabled || pending;
  const ready = typed === undefined || text.trim() === typed;
  const showError = tried && !ready;

  function open() {
    if (blocked || !dialog.current) return;
    setText("");
    setTried(false);
    dialog.current.showModal();
    (typed === undefined ? cancel : input).current?.focus();
  }

  function confirm() {
    if (!ready) {
      setTried(true);
      input.current?.focus();
      return;
    }
    dialog.current?.close();
    const target = document.getElementById(form);
    if (target instanceof HTMLFormElement) target.requestSubmit();
  }

  return (
    <>
      <button
        ref={trigger}
        type="button"
        className={className}
        onClick={open}
        aria-haspopup="dialog"
        aria-disabled={blocked || undefined}
        aria-busy={pending || undefined}
      >
        {pending ? "Working…" : label}
      </button>
      <dialog
        ref={dialog}
        className="confirm-dialog"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-body`}
        // Escape and Cancel both end here: focus goes back to the button that opened the dialog.
        onClose={() => trigger.current?.focus()}
      >
        <h2 id={`${id}-title`}>{title}</h2>
        <div id={`${id}-body`} className="confirm-body">
          {children}
        </div>
        {typed !== undefined ? (
          <div className="field">
            <label htmlFor={`${id}-typed`}>
              Type <strong className="mono">{typed}</strong> to confirm
            </label>
            <input
              ref={input}
              id={`${id}-typed`}
              value={text}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={showError || undefined}
              aria-describedby={showError ? `${id}-typed-error` : undefined}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => {
                // Enter would otherwise submit the surrounding form without the check.
                if (e.key === "Enter") {
                  e.preventDefault();
                  confirm();
                }
              }}
            />
            {showError ? (
              <p id={`${id}-typed-error`} className="field-error">
                Type {typed} exactly to confirm.
              </p>
            ) : null}
          </div>
        ) : null}
        <div className="row confirm-actions">
          <button ref={cancel} type="button" className="secondary" onClick={() => dialog.current?.close()}>
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

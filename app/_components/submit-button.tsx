"use client";

import type { ReactNode } from "react";
import { useFormStatus } from "react-dom";

export function SubmitButton({
  children,
  pendingText,
  className,
  disabled = false,
}: {
  children: ReactNode;
  pendingText?: string;
  className?: string;
  disabled?: boolean;
}) {
  const { pending } = useFormStatus();
  return (
    // aria-disabled, not disabled: a disabled button drops keyboard focus to the page's body.
    <button
      type="submit"
      aria-disabled={pending || disabled}
      className={className}
      aria-busy={pending}
      onClick={(e) => {
        if (pending || disabled) e.preventDefault();
      }}
    >
      {pending ? (pendingText ?? "Working…") : children}
    </button>
  );
}

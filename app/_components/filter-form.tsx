"use client";

import { type ReactNode, useEffect, useRef } from "react";

/**
 * The GET form above a list, applied as soon as a filter changes. Without JavaScript its Apply
 * button does the same. Text fields fire "change" on Enter or leaving the field, not per keystroke.
 */
export function FilterForm({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const form = ref.current;
    if (!form) return;
    const submit = () => form.requestSubmit();
    form.addEventListener("change", submit);
    return () => form.removeEventListener("change", submit);
  }, []);
  return (
    <form ref={ref} className="panel row" method="get" aria-label="Filters">
      {children}
    </form>
  );
}

"use client";

import { useEffect, useRef } from "react";
import type { FormState } from "@/app/_components/form-state";

/**
 * The live region every form uses for its overall result. After a refused submit, focus goes to the
 * first field marked invalid, so a keyboard user lands where the fix is.
 */
export function FormMessage({ state }: { state: FormState }) {
  const region = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!state.fieldErrors || Object.keys(state.fieldErrors).length === 0) return;
    const form = region.current?.closest("form");
    form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [state]);
  return (
    <div aria-live="polite" ref={region}>
      {state.message ? (
        <p className={`notice ${state.ok ? "ok" : "error"}`} role={state.ok ? "status" : "alert"}>
          {state.message}
        </p>
      ) : null}
    </div>
  );
}

"use client";

import { type FormEvent, useEffect, useRef, useState } from "react";
import type { FormState } from "@/app/_components/form-state";

// Never put back into a field: the admin types these again.
const NOT_REMEMBERED = new Set(["password", "confirm", "passphrase"]);

/**
 * React resets a form after its action runs. This keeps what the admin typed when the action
 * refused it (the values stay in the browser; nothing is sent back by the server), and starts a
 * fresh form after a success.
 */
export function useFormMemory(state: FormState) {
  const [values, setValues] = useState<Record<string, string> | null>(null);
  const [key, setKey] = useState(0);
  const last = useRef(state);

  useEffect(() => {
    if (state === last.current) return;
    last.current = state;
    if (state.ok) {
      setValues(null);
      setKey((k) => k + 1);
    }
  }, [state]);

  return {
    key,
    onSubmit(e: FormEvent<HTMLFormElement>) {
      const next: Record<string, string> = {};
      for (const [name, value] of new FormData(e.currentTarget)) {
        if (typeof value === "string" && !NOT_REMEMBERED.has(name)) next[name] = value;
      }
      setValues(next);
    },
    value(name: string, fallback: string | number = ""): string {
      return values?.[name] ?? String(fallback);
    },
    checked(name: string, fallback: boolean): boolean {
      return values ? values[name] === "on" : fallback;
    },
  };
}

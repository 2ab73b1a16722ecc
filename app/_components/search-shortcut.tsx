"use client";

import { useEffect } from "react";

/**
 * "/" jumps to the page's search field, as on GitHub: not while typing in a field, and not with a
 * modifier (so the browser's own shortcuts keep working).
 */
export function SearchShortcut() {
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable=''], [contenteditable='true'], dialog[open]"))
        return;
      const field = document.querySelector<HTMLInputElement>('main input[type="search"], main input[name="q"]');
      if (!field) return;
      e.preventDefault();
      field.focus();
      field.select();
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  return null;
}

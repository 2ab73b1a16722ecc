"use client";

import { createContext, type ReactNode, useCallback, useContext, useState } from "react";

interface Selection {
  pageIds: string[];
  selected: Set<string>;
  toggle: (id: string, on: boolean) => void;
  setAll: (on: boolean) => void;
  clear: () => void;
}

const SelectionContext = createContext<Selection | null>(null);

export function useSelection(): Selection {
  const selection = useContext(SelectionContext);
  if (!selection) throw new Error("useSelection outside <BulkSelection>");
  return selection;
}

/** Which rows of this page are ticked, shared by the row checkboxes and the bulk bar. */
export function BulkSelection({ pageIds, children }: { pageIds: string[]; children: ReactNode }) {
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  // Rows deleted or paged away drop out of the selection on their own.
  const selected = new Set(pageIds.filter((id) => ticked.has(id)));
  const toggle = (id: string, on: boolean) =>
    setTicked((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const setAll = (on: boolean) => setTicked(on ? new Set(pageIds) : new Set());
  // Stable, so the bar can clear the selection once per result rather than on every render.
  const clear = useCallback(() => setTicked(new Set()), []);
  return (
    <SelectionContext.Provider value={{ pageIds, selected, toggle, setAll, clear }}>
      {children}
    </SelectionContext.Provider>
  );
}

export function RowCheckbox({ id, name }: { id: string; name: string }) {
  const { selected, toggle } = useSelection();
  return (
    <input
      type="checkbox"
      aria-label={`Select ${name}`}
      checked={selected.has(id)}
      onChange={(e) => toggle(id, e.target.checked)}
    />
  );
}

export function SelectAllCheckbox() {
  const { pageIds, selected, setAll } = useSelection();
  const all = pageIds.length > 0 && selected.size === pageIds.length;
  return (
    <input
      type="checkbox"
      aria-label="Select all on this page"
      checked={all}
      ref={(el) => {
        if (el) el.indeterminate = selected.size > 0 && !all;
      }}
      disabled={pageIds.length === 0}
      onChange={(e) => setAll(e.target.checked)}
    />
  );
}

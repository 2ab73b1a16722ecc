"use client";

import { useEffect, useRef, useState } from "react";
import { type CopyOutcome, copyText, manualCopyHint } from "@/lib/clipboard";

/**
 * Copies `text`. Over plain http on a LAN address the clipboard API is missing, so the text is
 * copied from a selection instead; when even that fails, the text is shown selected for the
 * user's own Ctrl+C. The outcome is announced either way.
 */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [outcome, setOutcome] = useState<CopyOutcome | null>(null);
  const manual = useRef<HTMLTextAreaElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => {
    if (outcome !== "manual" || !manual.current) return;
    manual.current.focus();
    manual.current.select();
  }, [outcome]);
  useEffect(() => () => clearTimeout(timer.current), []);

  async function copy() {
    clearTimeout(timer.current);
    const result = await copyText(text, {
      writeText: navigator.clipboard ? (t) => navigator.clipboard.writeText(t) : undefined,
      selectAndCopy: () => copyFromSelection(text),
    });
    setOutcome(result);
    if (result === "copied") timer.current = setTimeout(() => setOutcome(null), 2500);
  }

  return (
    <span className={outcome === "manual" ? "copy copy-failed" : "copy"}>
      <button type="button" className="secondary small" onClick={copy}>
        {label}
      </button>{" "}
      <span role="status" aria-live="polite" className={outcome === "manual" ? "field-error" : "ok-text"}>
        {outcome === "copied"
          ? "Copied"
          : outcome === "manual"
            ? `Could not copy here. ${manualCopyHint(platform())}`
            : ""}
      </span>
      {outcome === "manual" ? (
        <textarea
          ref={manual}
          className="copy-manual"
          readOnly
          value={text}
          aria-label={`${label}: select and copy this text`}
          rows={Math.min(8, text.split("\n").length)}
        />
      ) : null}
    </span>
  );
}

function platform(): string {
  const data = (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData;
  return data?.platform || navigator.platform || "";
}

/** The copy that works without a secure context: select the text in a hidden field, execCommand. */
function copyFromSelection(text: string): boolean {
  const area = document.createElement("textarea");
  area.value = text;
  area.readOnly = true;
  area.setAttribute("aria-hidden", "true");
  area.style.position = "fixed";
  area.style.top = "0";
  area.style.left = "0";
  area.style.opacity = "0";
  const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  document.body.append(area);
  area.select();
  area.setSelectionRange(0, text.length);
  try {
    return document.execCommand("copy");
  } finally {
    area.remove();
    previous?.focus();
  }
}

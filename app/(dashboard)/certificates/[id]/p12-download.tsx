"use client";

import { type FormEvent, useState } from "react";
import { CopyButton } from "@/app/_components/copy-button";

/**
 * Downloads the certificate, its CA and its key as a .p12, under the passphrase typed here or one
 * dockpki makes and shows this once. The request goes with the session, from this page only.
 */
export function P12Download({ certificateId }: { certificateId: string }) {
  const [passphrase, setPassphrase] = useState("");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ error?: string; generated?: string; done?: boolean }>({});

  async function download(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setResult({});
    try {
      const res = await fetch(`/api/v1/certificates/${certificateId}/bundle.p12`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(passphrase ? { passphrase } : {}),
      });
      if (!res.ok) {
        const body = await res.json().catch(() => null);
        setResult({ error: body?.error?.fieldErrors?.passphrase?.[0] ?? body?.error?.message ?? `HTTP ${res.status}` });
        return;
      }
      const name = /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") ?? "")?.[1] ?? "bundle.p12";
      const url = URL.createObjectURL(await res.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      link.click();
      URL.revokeObjectURL(url);
      setPassphrase("");
      setResult({ done: true, generated: res.headers.get("X-Dockpki-Passphrase") ?? undefined });
    } catch {
      setResult({ error: "The download did not complete; check the connection and try again." });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={download} className="stack" data-testid="p12-download">
      <div className="field">
        <label htmlFor="p12-passphrase">Passphrase for the .p12 (optional)</label>
        <input
          id="p12-passphrase"
          type="password"
          autoComplete="new-password"
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
          aria-invalid={!!result.error}
        />
        <span className="hint">At least 12 characters; leave it empty and dockpki makes one and shows it once.</span>
      </div>
      <div>
        <button type="submit" className="secondary" disabled={busy}>
          {busy ? "Preparing…" : "Download .p12"}
        </button>
      </div>
      <div aria-live="polite">
        {result.error ? (
          <p className="field-error" role="alert">
            {result.error}
          </p>
        ) : null}
        {result.done ? (
          <p className="notice ok" role="status">
            {result.generated ? (
              <>
                Downloaded. Its passphrase, shown this once:{" "}
                <code data-testid="p12-passphrase">{result.generated}</code> <CopyButton text={result.generated} />
              </>
            ) : (
              "Downloaded, under the passphrase you typed."
            )}
          </p>
        ) : null}
      </div>
    </form>
  );
}

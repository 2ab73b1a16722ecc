"use client";

import { useEffect, useState } from "react";

/**
 * What a page shows when the server failed to render it. The reason stays in the server log; when
 * the database is the problem, /api/health says so in a sentence and that is shown here.
 */
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    fetch("/api/health", { cache: "no-store" })
      .then((r) => (r.ok ? null : r.json()))
      .then((body: { message?: string } | null) => setProblem(body?.message ?? null))
      .catch(() => setProblem(null));
  }, []);
  return (
    <main className="auth-wrap">
      <div className="auth-card">
        <h1>Something went wrong</h1>
        <p className="notice error" role="alert">
          {problem ?? "The server could not show this page. Its log has the details."}
        </p>
        <button type="button" onClick={reset}>
          Try again
        </button>
      </div>
    </main>
  );
}

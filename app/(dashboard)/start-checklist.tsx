import Link from "next/link";
import { getStartChecklist } from "@/lib/overview";

/** Overview of a new install: the four steps to a first working bundle, gone once all are done. */
export async function StartChecklist() {
  const { steps, allDone } = await getStartChecklist();
  if (allDone) return null;
  const left = steps.filter((s) => !s.done).length;
  return (
    <section className="panel" aria-labelledby="start-h" data-testid="start-checklist">
      <h2 id="start-h">Getting started</h2>
      <p className="muted">
        {left} of {steps.length} steps left before a Docker daemon speaks mutual TLS.
      </p>
      <ol style={{ listStyle: "none", padding: 0, margin: 0, display: "grid", gap: 8 }}>
        {steps.map((s, i) => (
          <li key={s.key} data-done={s.done} style={{ display: "flex", gap: 10, alignItems: "baseline" }}>
            <span className={`badge${s.done ? " ok" : ""}`} style={{ minWidth: 52, textAlign: "center" }}>
              {s.done ? "✓ done" : `step ${i + 1}`}
            </span>
            <Link href={s.href} className={s.done ? "muted" : undefined}>
              {s.label}
            </Link>
          </li>
        ))}
      </ol>
    </section>
  );
}

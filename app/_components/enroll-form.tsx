"use client";

import Link from "next/link";
import { useActionState } from "react";
import { CopyButton } from "@/app/_components/copy-button";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
import { formatDateTime } from "@/lib/dates";

/** An enrollment action's result: the command (its token is a secret) lives only in this state. */
export type EnrollState = FormState & { command?: string; expiresAt?: string };

/** "Enroll with one command": makes a one-time command that gives a host or client its first certificate. */
export function EnrollForm({
  action,
  holderId,
  kind,
  publicUrlSet,
}: {
  action: (prev: EnrollState, formData: FormData) => Promise<EnrollState>;
  holderId: string;
  kind: "host" | "client";
  publicUrlSet: boolean;
}) {
  const [state, formAction] = useActionState<EnrollState, FormData>(action, {});
  if (!publicUrlSet) {
    return (
      <p className="notice warn" data-testid="enroll-off">
        Enrollment is off: the dashboard's public URL is not set, so the command would have nowhere to fetch its
        certificate from. <Link href="/settings">Set it in Settings</Link>.
      </p>
    );
  }
  return (
    <form action={formAction} className="stack">
      <input type="hidden" name="id" value={holderId} />
      <p className="muted" style={{ margin: 0 }}>
        {kind === "host"
          ? "Paste it on the host (it runs as root through sudo): it makes the key there and fetches the host's certificate, so no key travels."
          : "Paste it on the client machine as the user who runs docker: it makes the key there and fetches the client's certificate, so no key travels."}
      </p>
      <FormMessage state={state} />
      {state.command ? (
        <div className="stack" style={{ gap: 8 }}>
          <pre data-testid="enroll-command" style={{ margin: 0 }}>
            {state.command}
          </pre>
          <div className="row">
            <CopyButton text={state.command} />
            <span className="muted" data-testid="enroll-expiry">
              Works once, until {formatDateTime(state.expiresAt)}.
            </span>
          </div>
        </div>
      ) : null}
      <div>
        <SubmitButton className={state.command ? "secondary" : undefined} pendingText="Making the command…">
          {state.command ? "Make a new command (this one stops working)" : "Make an enrollment command"}
        </SubmitButton>
      </div>
    </form>
  );
}

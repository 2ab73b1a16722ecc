"use client";

import { useActionState } from "react";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
import { endOtherSessionsAction } from "./actions";

export function EndOtherSessions() {
  const [state, action] = useActionState<FormState, FormData>(endOtherSessionsAction, {});
  return (
    <form action={action} className="stack">
      <FormMessage state={state} />
      <div>
        <SubmitButton className="secondary">End every other session</SubmitButton>
      </div>
    </form>
  );
}

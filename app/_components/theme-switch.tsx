"use client";

import { useActionState, useOptimistic } from "react";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { parseTheme, THEMES, type Theme, themeAttribute } from "@/app/_lib/theme";
import { setThemeAction } from "@/app/(dashboard)/theme-actions";

const LABELS: Record<Theme, string> = { system: "System", light: "Light", dark: "Dark" };

/** System / Light / Dark as three buttons, one pressed; a plain form post when JavaScript is off. */
export function ThemeSwitch({ theme }: { theme: Theme }) {
  const [shown, showTheme] = useOptimistic(theme);
  const [state, formAction] = useActionState<FormState, FormData>(async (prev, formData) => {
    const chosen = parseTheme(formData.get("theme"));
    if (chosen) {
      // Repaint now; the cookie set by the action makes the server render the same from then on.
      showTheme(chosen);
      const attribute = themeAttribute(chosen);
      if (attribute) document.documentElement.dataset.theme = attribute;
      else delete document.documentElement.dataset.theme;
    }
    return setThemeAction(prev, formData);
  }, {});
  return (
    <form action={formAction}>
      <fieldset className="theme-switch">
        <legend>Theme</legend>
        <div className="theme-options">
          {THEMES.map((t) => (
            <button key={t} type="submit" name="theme" value={t} aria-pressed={shown === t}>
              {LABELS[t]}
            </button>
          ))}
        </div>
      </fieldset>
      <FormMessage state={state} />
    </form>
  );
}

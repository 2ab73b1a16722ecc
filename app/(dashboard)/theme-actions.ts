"use server";

import { cookies } from "next/headers";
import type { FormState } from "@/app/_components/form-state";
import { parseTheme, THEME_COOKIE } from "@/app/_lib/theme";
import { requireAdmin } from "@/lib/auth/current";

const YEAR_SECONDS = 365 * 24 * 60 * 60;

/** Remembers the colour scheme in a cookie the root layout reads, so the next page paints in it at once. */
export async function setThemeAction(_prev: FormState, formData: FormData): Promise<FormState> {
  await requireAdmin();
  const theme = parseTheme(formData.get("theme"));
  if (!theme) return { message: "The theme is System, Light or Dark." };
  (await cookies()).set(THEME_COOKIE, theme, { sameSite: "lax", path: "/", maxAge: YEAR_SECONDS });
  return {};
}

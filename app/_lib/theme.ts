/** The colour scheme an admin picked; "system" follows the browser's prefers-color-scheme. */
export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

export const THEME_COOKIE = "dockpki-theme";

export function parseTheme(value: unknown): Theme | undefined {
  return THEMES.find((t) => t === value);
}

/** The value of <html data-theme>: absent for "system", so the media query decides. */
export function themeAttribute(theme: Theme | undefined): "light" | "dark" | undefined {
  return theme === "light" || theme === "dark" ? theme : undefined;
}

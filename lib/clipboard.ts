/**
 * Copying text in a browser that may not be a secure context. Over plain http on a LAN address
 * `navigator.clipboard` is undefined, so the text is selected and copied with the older
 * execCommand; when that fails too, it stays selected for the user's own shortcut.
 */
export type CopyOutcome = "copied" | "manual";

export interface CopyMeans {
  /** navigator.clipboard.writeText when the browser offers it. */
  writeText?: (text: string) => Promise<void>;
  /** Selects the text on the page and runs document.execCommand("copy"); true when it copied. */
  selectAndCopy: () => boolean;
}

export async function copyText(text: string, means: CopyMeans): Promise<CopyOutcome> {
  if (means.writeText) {
    try {
      await means.writeText(text);
      return "copied";
    } catch {
      // Permission refused or no user gesture: the selection route may still work.
    }
  }
  try {
    return means.selectAndCopy() ? "copied" : "manual";
  } catch {
    return "manual";
  }
}

/** "Press Ctrl+C to copy", with the key macOS and iOS use instead. */
export function manualCopyHint(platform: string): string {
  return `Press ${/mac|iphone|ipad/i.test(platform) ? "Cmd+C" : "Ctrl+C"} to copy.`;
}

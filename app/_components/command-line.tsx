import { CopyButton } from "@/app/_components/copy-button";

/** A shell command to paste, with its copy button. */
export function CommandLine({ command, label = "Copy" }: { command: string; label?: string }) {
  return (
    <div className="row" style={{ alignItems: "flex-start", flexWrap: "nowrap" }}>
      <pre className="mono" style={{ margin: 0, flex: 1, whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
        <code>{command}</code>
      </pre>
      <CopyButton text={command} label={label} />
    </div>
  );
}

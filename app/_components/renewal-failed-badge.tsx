/** A holder whose agent's last renewal attempt failed; its message is on the holder's page. */
export function RenewalFailedBadge({ outcome }: { outcome: string | null }) {
  if (outcome !== "failed") return null;
  return (
    <span className="badge danger" style={{ marginLeft: 6 }} title="The agent's last renewal attempt failed">
      renewal failed
    </span>
  );
}

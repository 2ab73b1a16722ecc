/** What a bulk re-issue will do, in one sentence for its confirmation. */
export interface ReissueCounts {
  hosts: number;
  clients: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function describeReissue({ hosts, clients }: ReissueCounts, revokeOld: boolean): string {
  const total = hosts + clients;
  const parts = [hosts > 0 ? plural(hosts, "host") : null, clients > 0 ? plural(clients, "client") : null]
    .filter(Boolean)
    .join(", ");
  const head = `Re-issue ${plural(total, "certificate")}${parts ? `: ${parts}` : ""}`;
  if (!revokeOld) return `${head}. The old ones stay valid until they expire.`;
  return `${head}; revoke the ${total === 1 ? "old one" : `${total} old ones`}.`;
}

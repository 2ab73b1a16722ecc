const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What deleting a host or client leaves behind, for its confirmation dialog. */
export function DeleteHolderDetails({
  kind,
  certs,
  now = new Date(),
}: {
  kind: "host" | "client";
  certs: { status: string; notAfter: Date }[];
  now?: Date;
}) {
  const valid = certs.filter((c) => c.status === "active" && c.notAfter > now).length;
  return (
    <>
      <p>
        {certs.length === 0
          ? `It has no certificates. Deleting cannot be undone.`
          : `Its ${plural(certs.length, "certificate")} stay${certs.length === 1 ? "s" : ""} on record (and in the CRL when revoked), with no ${kind}. Deleting cannot be undone.`}
      </p>
      {valid > 0 ? (
        <p className="muted">
          {plural(valid, "certificate")} {valid === 1 ? "is" : "are"} still valid and keep{valid === 1 ? "s" : ""}{" "}
          working until {valid === 1 ? "it expires" : "they expire"}
          {kind === "host" ? " on the host" : ""}: revoke first if the {kind} is compromised.
        </p>
      ) : null}
    </>
  );
}

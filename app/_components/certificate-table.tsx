import { CertBadge } from "@/app/_components/cert-badge";
import { ExpiryText } from "@/app/_components/expiry-text";
import { TableScroll } from "@/app/_components/table-scroll";
import { describeActor } from "@/lib/audit";
import type { Certificate } from "@/lib/certificates/certificates";
import { formatDateTime } from "@/lib/dates";
import { keyLabel } from "@/lib/pki/key-types";

/** A holder's certificates, newest first, with their bundle downloads. */
export function CertificateTable({ certs }: { certs: Certificate[] }) {
  if (certs.length === 0) return <p className="empty">No certificate issued yet.</p>;
  return (
    <TableScroll label="Certificates">
      <table>
        <thead>
          <tr>
            <th>Serial</th>
            <th>State</th>
            <th>Expires</th>
            <th>Issued</th>
            <th>Names</th>
            <th>Key</th>
            <th>
              <span className="sr-only">Bundle</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {certs.map((c) => (
            <tr key={c.id}>
              <td className="mono">
                <a href={`/certificates/${c.id}`}>{c.serial}</a>
              </td>
              <td>
                <CertBadge cert={c} />
                {c.revocationReason ? <div className="muted">{c.revocationReason}</div> : null}
              </td>
              <td>{c.status === "superseded" ? <span className="muted">replaced</span> : <ExpiryText cert={c} />}</td>
              <td>
                {formatDateTime(c.createdAt)}
                <div className="muted">by {describeActor(c.issuedBy)}</div>
              </td>
              <td className="mono">{[...c.dnsNames, ...c.ipAddresses].join(", ") || c.commonName}</td>
              <td>{c.fromCsr ? `${keyLabel(c)}, from CSR` : keyLabel(c)}</td>
              <td>
                {c.status === "revoked" ? (
                  <span className="muted">revoked</span>
                ) : (
                  <a className="button secondary small" href={`/api/v1/certificates/${c.id}/bundle.zip`} download>
                    Bundle
                  </a>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

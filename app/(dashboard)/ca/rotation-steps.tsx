import Link from "next/link";
import { BulkReissueForm } from "@/app/_components/bulk-reissue-form";
import { RoleNote } from "@/app/_components/role-note";
import { RowAction } from "@/app/_components/row-action";
import type { CaInfo } from "@/lib/ca/cas";
import type { RotationProgress } from "@/lib/ca/rotation";
import type { ReissueCounts } from "@/lib/certificates/reissue-summary";
import { retireCaAction } from "./actions";
import { CaFacts } from "./ca-facts";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function Step({ n, title, done, children }: { n: number; title: string; done: boolean; children: React.ReactNode }) {
  return (
    <li className="step" data-testid={`rotation-step-${n}`}>
      <h3>
        {n}. {title} {done ? <span className="badge ok">done</span> : <span className="badge warn">to do</span>}
      </h3>
      {children}
    </li>
  );
}

function HostSample({ hosts, total }: { hosts: { id: string; name: string }[]; total: number }) {
  if (hosts.length === 0) return null;
  return (
    <p className="muted">
      {hosts.map((h, i) => (
        <span key={h.id}>
          {i > 0 ? ", " : ""}
          <Link href={`/hosts/${h.id}`}>{h.name}</Link>
        </span>
      ))}
      {total > hosts.length ? `, and ${total - hosts.length} more` : ""}
    </p>
  );
}

/**
 * A rotation in the only order that never locks anyone out: both CAs everywhere first, then the new
 * certificates, then retirement. Each step says what is left.
 */
export function RotationSteps({
  active,
  previous,
  progress,
  reissueCounts,
  locked,
}: {
  /** Why the signed-in role may not re-issue or retire, or null. */
  locked: { issue: string | null; ca: string | null };
  active: NonNullable<CaInfo>;
  previous: NonNullable<CaInfo>;
  progress: RotationProgress;
  /** What the bulk re-issue in step 2 would take, by holder. */
  reissueCounts: ReissueCounts;
}) {
  const { trust, reissue, install, trustingPrevious } = progress;
  const trustDone = trust.hosts + trust.clients === 0;
  const installDone = reissue.certificates + install.hosts + install.clients === 0;
  const stillTrusting = trustingPrevious.sampleHosts.map((h) => h.name).join(", ");
  const retireNote =
    trustingPrevious.hosts > 0
      ? ` ${plural(trustingPrevious.hosts, "host")} will still trust it through the ca.pem they have, until each gets a new bundle: ${stillTrusting}${trustingPrevious.hosts > trustingPrevious.sampleHosts.length ? ", ..." : ""}.`
      : "";
  return (
    <section className="panel" aria-labelledby="rotation-h">
      <h2 id="rotation-h">Rotation in progress</h2>
      <p>
        <strong>{active.commonName}</strong> issues every new certificate; <strong>{previous.commonName}</strong> is
        still trusted. Move hosts and clients in this order, or some of them lock each other out.
      </p>
      <ol className="steps">
        <Step n={1} title="Give every host and client a ca.pem with both CAs" done={trustDone}>
          <p className="muted">
            A client that has only the old CA refuses a host certificate from the new one ("certificate signed by
            unknown authority"); a host that has only the old CA refuses a client certificate from the new one. Download
            and install each current bundle now: it already carries both CAs.
          </p>
          <p data-testid="rotation-trust-left">
            {trustDone
              ? "Every host and client with a valid certificate has received both CAs."
              : `${plural(trust.hosts, "host")} and ${plural(trust.clients, "client")} have not received a bundle with both CAs yet.`}
          </p>
          <HostSample hosts={trust.sampleHosts} total={trust.hosts} />
          {progress.unvouched && !trustDone ? (
            <p data-testid="rotation-unvouched">
              Certificates from {active.commonName} cannot lean on a cross certificate here: {previous.commonName} is an
              issuing CA under an offline root, or its path length leaves no room for one in a chain. So until this step
              is done, renewals and enrollments get certificates from {previous.commonName}, and a renewal whose agent
              could not take the new CA (its ca.pem lacks it, and no cross certificate vouches for it) is refused; those
              certificates keep working until they expire. Enroll such hosts and clients again from their pages;
              download the others' bundles.
            </p>
          ) : null}
        </Step>
        <Step n={2} title="Re-issue everything under the new CA, and install it" done={installDone}>
          <p data-testid="rotation-reissue-left">
            {reissue.certificates === 0
              ? "No valid certificate comes from the previous CA any more."
              : `${plural(reissue.certificates, "valid certificate")} still come${reissue.certificates === 1 ? "s" : ""} from the previous CA.`}{" "}
            {install.hosts + install.clients > 0
              ? `${plural(install.hosts, "host")} and ${plural(install.clients, "client")} have a new certificate whose bundle they have not received yet.`
              : ""}
          </p>
          {reissue.certificates > 0 ? (
            locked.issue ? (
              <RoleNote>{locked.issue}</RoleNote>
            ) : (
              <BulkReissueForm
                scope="previous-ca"
                counts={reissueCounts}
                label="Re-issue everything under the new CA"
              />
            )
          ) : null}
        </Step>
        <Step n={3} title="Retire the previous CA" done={false}>
          <p className="muted">
            Bundles then stop carrying it. Until a host has a bundle without it, that host still accepts every client
            certificate the old CA signed, revoked ones included.{retireNote}
          </p>
          {reissue.certificates > 0 ? (
            <p>Not yet: {plural(reissue.certificates, "valid certificate")} still depend on it.</p>
          ) : locked.ca ? (
            <RoleNote>{locked.ca}</RoleNote>
          ) : (
            <RowAction
              action={retireCaAction}
              id={previous.id}
              label="Retire the previous CA"
              confirm={`Retire ${previous.commonName}?`}
              confirmLabel="Retire CA"
              details={<p>Bundles will stop carrying it, and it cannot be made active again.{retireNote}</p>}
            />
          )}
        </Step>
      </ol>
      <h3>
        {previous.commonName} <span className="badge warn">previous</span>
      </h3>
      <CaFacts ca={previous} />
    </section>
  );
}

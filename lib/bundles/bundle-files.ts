import "server-only";
import { type BundleClient, type BundleHost, checkClient, checkHost, checkSslDir } from "@/lib/bundles/bundle-input";
import { clientBundleNames } from "@/lib/bundles/bundle-names";
import { renderClientReadme } from "@/lib/bundles/client-readme";
import { renderCustomConf, renderDaemonJsonDropIn } from "@/lib/bundles/custom-conf";
import { renderDaemonJson } from "@/lib/bundles/daemon-json";
import { CA_FILE, CERT_FILE, CUSTOM_CONF, DAEMON_JSON, KEY_FILE } from "@/lib/bundles/docker-files";
import { envShFileName, renderEnvSh } from "@/lib/bundles/env-sh";
import { renderInstallSh } from "@/lib/bundles/install-sh";
import { renderServerReadme } from "@/lib/bundles/server-readme";

/** One file of a bundle, relative to the bundle's top-level folder. */
export interface BundleFile {
  name: string;
  content: string;
  mode: number;
}

export interface CertificateFiles {
  /** Every CA certificate the other side should trust: two during a CA rotation. */
  caCertPems: string[];
  certPem: string;
  /** null when the certificate was issued from a CSR and the key never left its owner. */
  keyPem: string | null;
}

export interface ServerBundleInput extends CertificateFiles {
  host: BundleHost;
  sslDir: string;
}

export interface ClientBundleInput extends CertificateFiles {
  client: BundleClient;
  hosts: BundleHost[];
  selectedHost?: BundleHost | null;
}

const PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----$/;
// Unencrypted keys only (PKCS#8, PKCS#1 or SEC1): the docker CLI cannot open an encrypted one, and
// the base64-only body also rules out the Proc-Type/DEK-Info headers of legacy encrypted PEM.
const PEM_KEY = /^-----BEGIN (RSA |EC )?PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END (RSA |EC )?PRIVATE KEY-----$/;

function pem(text: string, kind: "certificate" | "key"): string {
  const trimmed = text.trim();
  if (!(kind === "certificate" ? PEM_CERTIFICATE : PEM_KEY).test(trimmed)) {
    throw new Error(`The bundle was given something that is not an unencrypted PEM ${kind}.`);
  }
  return `${trimmed}\n`;
}

function certificateFiles({ caCertPems, certPem, keyPem }: CertificateFiles): BundleFile[] {
  if (caCertPems.length === 0) throw new Error("A bundle needs at least one CA certificate.");
  const files = [
    { name: CA_FILE, content: caCertPems.map((p) => pem(p, "certificate")).join(""), mode: 0o644 },
    { name: CERT_FILE, content: pem(certPem, "certificate"), mode: 0o644 },
  ];
  if (keyPem !== null) files.push({ name: KEY_FILE, content: pem(keyPem, "key"), mode: 0o600 });
  return files;
}

export function serverBundleFiles(input: ServerBundleInput): BundleFile[] {
  const host = checkHost(input.host);
  const sslDir = checkSslDir(input.sslDir);
  const daemonJson = host.configStyle === "daemon-json";
  const hasKey = input.keyPem !== null;
  return [
    ...certificateFiles(input),
    // custom.conf in both styles: daemon.json cannot replace the unit's -H flags, only clash with them.
    { name: CUSTOM_CONF, content: daemonJson ? renderDaemonJsonDropIn() : renderCustomConf(host, sslDir), mode: 0o644 },
    ...(daemonJson ? [{ name: DAEMON_JSON, content: renderDaemonJson(host, sslDir), mode: 0o644 }] : []),
    { name: "install.sh", content: renderInstallSh(host, sslDir), mode: 0o755 },
    { name: "README.txt", content: renderServerReadme(host, sslDir, { hasKey }), mode: 0o644 },
  ];
}

export function clientBundleFiles(input: ClientBundleInput): BundleFile[] {
  const client = checkClient(input.client);
  const selected = input.selectedHost ? checkHost(input.selectedHost) : null;
  const others = input.hosts.map(checkHost).filter((h) => h.name !== selected?.name);
  // The same host list, in the same order, as the README names them from.
  const names = clientBundleNames(selected ? [selected, ...others] : others);
  const envFiles = selected || others.length === 0 ? [{ host: selected, perHost: false }] : [];
  envFiles.push(...others.map((host) => ({ host, perHost: true })));
  return [
    ...certificateFiles(input),
    ...envFiles.map(({ host, perHost }) => {
      const name = host ? names.envFile(host, perHost) : envShFileName(null, false);
      return { name, content: renderEnvSh(host, perHost, name), mode: 0o644 };
    }),
    {
      name: "README.txt",
      content: renderClientReadme(client, others, { selectedHost: selected, hasKey: input.keyPem !== null }),
      mode: 0o644,
    },
  ];
}

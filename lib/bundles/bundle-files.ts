import "server-only";
import { type AgentSettings, checkAgentSettings } from "@/lib/bundles/agent-config";
import { type BundleClient, type BundleHost, checkClient, checkHost, checkSslDir } from "@/lib/bundles/bundle-input";
import { clientBundleNames } from "@/lib/bundles/bundle-names";
import { renderClientReadme } from "@/lib/bundles/client-readme";
import { renderCustomConf, renderDaemonJsonDropIn } from "@/lib/bundles/custom-conf";
import { renderDaemonJson } from "@/lib/bundles/daemon-json";
import {
  CA_FILE,
  CERT_FILE,
  CUSTOM_CONF,
  DAEMON_JSON,
  KEY_FILE,
  RENEW_AGENT,
  RENEW_SERVICE,
  RENEW_TIMER,
} from "@/lib/bundles/docker-files";
import { envShFileName, renderEnvSh } from "@/lib/bundles/env-sh";
import { renderInstallSh } from "@/lib/bundles/install-sh";
import { renderRenewAgent } from "@/lib/bundles/renew-agent";
import { renderRenewService, renderRenewTimer } from "@/lib/bundles/renew-units";
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

/** The renewal agent a bundle carries, or one sentence on why it has none. */
export interface AgentInput {
  agent?: AgentSettings | null;
  /** Why there is no agent, e.g. the dashboard's public URL is not set; README.txt says it. */
  agentMissing?: string;
}

/** Everything of a server bundle but the certificate files. */
export interface ServerConfigInput extends AgentInput {
  host: BundleHost;
  sslDir: string;
  /** The bundle carries key.pem (false: issued from a CSR). */
  hasKey: boolean;
}

/** Everything of a client bundle but the certificate files. */
export interface ClientConfigInput extends AgentInput {
  client: BundleClient;
  hosts: BundleHost[];
  selectedHost?: BundleHost | null;
  hasKey: boolean;
}

export type ServerBundleInput = CertificateFiles & Omit<ServerConfigInput, "hasKey">;
export type ClientBundleInput = CertificateFiles & Omit<ClientConfigInput, "hasKey">;

const PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----$/;
// cert.pem: the leaf, then the issuing CA when it is an intermediate, then during a CA rotation the
// cross certificate (Go sends them all)
const PEM_CHAIN =
  /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----(\r?\n-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----){0,3}$/;
// Unencrypted keys only (PKCS#8, PKCS#1 or SEC1): the docker CLI cannot open an encrypted one, and
// the base64-only body also rules out the Proc-Type/DEK-Info headers of legacy encrypted PEM.
const PEM_KEY = /^-----BEGIN (RSA |EC )?PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END (RSA |EC )?PRIVATE KEY-----$/;

function pem(text: string, kind: "certificate" | "chain" | "key"): string {
  const trimmed = text.trim();
  const pattern = kind === "certificate" ? PEM_CERTIFICATE : kind === "chain" ? PEM_CHAIN : PEM_KEY;
  if (!pattern.test(trimmed)) {
    const what = kind === "chain" ? "certificate (with its chain)" : kind;
    throw new Error(`The bundle was given something that is not an unencrypted PEM ${what}.`);
  }
  return `${trimmed}\n`;
}

function certificateFiles({ caCertPems, certPem, keyPem }: CertificateFiles): BundleFile[] {
  if (caCertPems.length === 0) throw new Error("A bundle needs at least one CA certificate.");
  const files = [
    { name: CA_FILE, content: caCertPems.map((p) => pem(p, "certificate")).join(""), mode: 0o644 },
    { name: CERT_FILE, content: pem(certPem, "chain"), mode: 0o644 },
  ];
  if (keyPem !== null) files.push({ name: KEY_FILE, content: pem(keyPem, "key"), mode: 0o600 });
  return files;
}

/** The server bundle's files but ca.pem, cert.pem and key.pem: the zip's, and the host enrollment's. */
export function serverConfigFiles(input: ServerConfigInput): BundleFile[] {
  const host = checkHost(input.host);
  const sslDir = checkSslDir(input.sslDir);
  const agent = input.agent ? checkAgentSettings(input.agent) : null;
  const daemonJson = host.configStyle === "daemon-json";
  return [
    // custom.conf in both styles: daemon.json cannot replace the unit's -H flags, only clash with them.
    { name: CUSTOM_CONF, content: daemonJson ? renderDaemonJsonDropIn() : renderCustomConf(host, sslDir), mode: 0o644 },
    ...(daemonJson ? [{ name: DAEMON_JSON, content: renderDaemonJson(host, sslDir), mode: 0o644 }] : []),
    { name: "install.sh", content: renderInstallSh(host, sslDir, { agent: agent !== null }), mode: 0o755 },
    ...(agent
      ? [
          { name: RENEW_AGENT, content: renderRenewAgent("server", agent, { host, sslDir }), mode: 0o755 },
          { name: RENEW_SERVICE, content: renderRenewService(), mode: 0o644 },
          { name: RENEW_TIMER, content: renderRenewTimer(agent.renewWindow), mode: 0o644 },
        ]
      : []),
    {
      name: "README.txt",
      content: renderServerReadme(host, sslDir, { hasKey: input.hasKey, agent, agentMissing: input.agentMissing }),
      mode: 0o644,
    },
  ];
}

export function serverBundleFiles(input: ServerBundleInput): BundleFile[] {
  return [...certificateFiles(input), ...serverConfigFiles({ ...input, hasKey: input.keyPem !== null })];
}

/** The client bundle's files but ca.pem, cert.pem and key.pem: the zip's, and the client enrollment's. */
export function clientConfigFiles(input: ClientConfigInput): BundleFile[] {
  const client = checkClient(input.client);
  const selected = input.selectedHost ? checkHost(input.selectedHost) : null;
  const others = input.hosts.map(checkHost).filter((h) => h.name !== selected?.name);
  const agent = input.agent ? checkAgentSettings(input.agent) : null;
  // The same host list, in the same order, as the README names them from.
  const names = clientBundleNames(selected ? [selected, ...others] : others);
  const envFiles = selected || others.length === 0 ? [{ host: selected, perHost: false }] : [];
  envFiles.push(...others.map((host) => ({ host, perHost: true })));
  return [
    ...envFiles.map(({ host, perHost }) => {
      const name = host ? names.envFile(host, perHost) : envShFileName(null, false);
      return { name, content: renderEnvSh(host, perHost, name), mode: 0o644 };
    }),
    ...(agent ? [{ name: RENEW_AGENT, content: renderRenewAgent("client", agent), mode: 0o755 }] : []),
    {
      name: "README.txt",
      content: renderClientReadme(client, others, {
        selectedHost: selected,
        hasKey: input.hasKey,
        agent,
        agentMissing: input.agentMissing,
      }),
      mode: 0o644,
    },
  ];
}

export function clientBundleFiles(input: ClientBundleInput): BundleFile[] {
  return [...certificateFiles(input), ...clientConfigFiles({ ...input, hasKey: input.keyPem !== null })];
}

import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import type { AddressInfo } from "node:net";
import { before, describe, test } from "node:test";
import tls from "node:tls";
import { MATRIX_KEYS, opensslCa, tempDir } from "@/lib/pki/__tests__/tools";
import { createCa, importCa } from "@/lib/pki/ca";
import type { CaKeyPair } from "@/lib/pki/ca-signer";
import { type KeySpec, keyLabel, keySpec } from "@/lib/pki/key-types";
import { generateKeyPair } from "@/lib/pki/keys";
import { buildClientCertificate, buildServerCertificate } from "@/lib/pki/profiles";

// A real TLS handshake in Node (OpenSSL underneath) with mutual authentication, as dockerd does it.

interface Party {
  certPem: string;
  keyPem: string;
}
interface Bundle {
  ca: CaKeyPair;
  server: Party;
  client: Party;
}

async function bundle(
  ca: CaKeyPair,
  keys: { server: KeySpec; client: KeySpec } = { server: keySpec("rsa", 2048), client: keySpec("rsa", 2048) },
): Promise<Bundle> {
  const [serverKey, clientKey] = await Promise.all([generateKeyPair(keys.server), generateKeyPair(keys.client)]);
  const server = await buildServerCertificate({
    publicKeyPem: serverKey.publicKeyPem,
    ca,
    commonName: "docker1",
    dnsNames: ["localhost", "docker1.example.com"],
    ipAddresses: ["127.0.0.1", "::1"],
    days: 30,
  });
  const client = await buildClientCertificate({
    publicKeyPem: clientKey.publicKeyPem,
    ca,
    commonName: "alice",
    days: 30,
  });
  return {
    ca,
    server: { certPem: server.certPem, keyPem: serverKey.privateKeyPem },
    client: { certPem: client.certPem, keyPem: clientKey.privateKeyPem },
  };
}

interface Outcome {
  ok: boolean;
  clientError?: string;
  serverError?: string;
  /** SHA-256 fingerprints ("AB:CD:..."): the certificate the client was served, the one the server was shown. */
  served?: string;
  shown?: string;
  protocol?: string;
}

function assertAccepted(outcome: Outcome, message?: string): void {
  const { ok, clientError, serverError } = outcome;
  assert.deepEqual(
    { ok, clientError, serverError },
    { ok: true, clientError: undefined, serverError: undefined },
    message,
  );
}

/**
 * Server: requestCert + rejectUnauthorized with `serverCa`. Success means the client read the
 * server's reply, which in TLS 1.3 also proves the server accepted the client certificate. When
 * the server refuses a client certificate it just drops the connection ("socket hang up"); the
 * reason is what `openssl verify` reports in interop-openssl.test.ts.
 */
function handshake(
  b: { server: Party; serverCa: string; client?: Party; clientCa: string },
  connect: { host: string; servername?: string; maxVersion?: tls.SecureVersion },
): Promise<Outcome> {
  return new Promise((resolve) => {
    let serverError: string | undefined;
    let shown: string | undefined;
    const server = tls.createServer(
      { key: b.server.keyPem, cert: b.server.certPem, ca: b.serverCa, requestCert: true, rejectUnauthorized: true },
      (socket) => {
        shown = socket.getPeerX509Certificate()?.fingerprint256;
        socket.end("pong");
      },
    );
    server.on("tlsClientError", (err) => {
      serverError = err.message;
    });
    server.listen(0, connect.host, () => {
      const { port } = server.address() as AddressInfo;
      const socket = tls.connect({
        host: connect.host,
        port,
        servername: connect.servername,
        maxVersion: connect.maxVersion,
        ca: b.clientCa,
        key: b.client?.keyPem,
        cert: b.client?.certPem,
      });
      let data = "";
      let served: string | undefined;
      let protocol: string | undefined;
      socket.on("secureConnect", () => {
        served = socket.getPeerX509Certificate()?.fingerprint256;
        protocol = socket.getProtocol() ?? undefined;
      });
      const finish = (clientError?: string) => {
        socket.destroy();
        server.close();
        // let the server's error event land first
        setImmediate(() => resolve({ ok: data === "pong", clientError, serverError, served, shown, protocol }));
      };
      socket.setEncoding("utf8");
      socket.on("data", (chunk) => {
        data += chunk;
      });
      socket.on("end", () => finish());
      socket.on("error", (err) => finish(err.message));
    });
  });
}

const mutual = (b: Bundle, client: Party = b.client) => ({
  server: b.server,
  serverCa: b.ca.certPem,
  client,
  clientCa: b.ca.certPem,
});

describe("mutual TLS with certificates from a dockpki CA", () => {
  let ours: Bundle;
  let foreign: Bundle;
  before(async () => {
    [ours, foreign] = await Promise.all([
      createCa({ commonName: "TLS Test CA", key: keySpec("rsa", 2048) }).then((ca) => bundle(ca)),
      createCa({ commonName: "Foreign CA", key: keySpec("rsa", 2048) }).then((ca) => bundle(ca)),
    ]);
  });

  test("accepted over 127.0.0.1 (IP SAN), localhost (DNS SAN) and ::1 (IPv6 SAN)", async () => {
    for (const connect of [{ host: "127.0.0.1" }, { host: "127.0.0.1", servername: "localhost" }, { host: "::1" }]) {
      assertAccepted(await handshake(mutual(ours), connect), JSON.stringify(connect));
    }
  });

  test("a client certificate from another CA is refused by the server", async () => {
    const outcome = await handshake(mutual(ours, foreign.client), { host: "127.0.0.1" });
    assert.equal(outcome.ok, false);
    assert.ok(outcome.serverError, "the server dropped the connection");
  });

  test("no client certificate is refused", async () => {
    const outcome = await handshake({ ...mutual(ours), client: undefined }, { host: "127.0.0.1" });
    assert.equal(outcome.ok, false);
    assert.match(outcome.serverError ?? "", /certificate/i);
  });

  test("the server certificate used as a client certificate is refused (no clientAuth)", async () => {
    const outcome = await handshake(mutual(ours, ours.server), { host: "127.0.0.1" });
    assert.equal(outcome.ok, false);
    assert.ok(outcome.serverError, "the server dropped the connection");
  });

  test("the client refuses a name the server certificate does not carry", async () => {
    const outcome = await handshake(mutual(ours), { host: "127.0.0.1", servername: "other.example.com" });
    assert.equal(outcome.ok, false);
    assert.match(outcome.clientError ?? "", /other\.example\.com/);
  });

  test("the client refuses a server from another CA", async () => {
    const outcome = await handshake({ ...mutual(ours), server: foreign.server }, { host: "127.0.0.1" });
    assert.equal(outcome.ok, false);
    assert.match(outcome.clientError ?? "", /certificate/i);
  });
});

test("mutual TLS under an imported openssl-recipe CA with a UTF8String subject", async () => {
  const ca = importCa(opensslCa(tempDir(), "/O=Bäckerei/CN=Recipe TLS CA", ["-utf8"]));
  assertAccepted(await handshake(mutual(await bundle(ca)), { host: "127.0.0.1" }));
});

test("mutual TLS under an imported openssl ECDSA P-384 CA, with ECDSA P-256 leaves", async () => {
  const ca = importCa(opensslCa(tempDir(), "/CN=EC Recipe TLS CA", [], undefined, "P-384"));
  const pair = await bundle(ca, { server: keySpec("ecdsa-p256"), client: keySpec("ecdsa-p256") });
  assertAccepted(await handshake(mutual(pair), { host: "127.0.0.1" }));
});

// Every CA type signs every leaf type, and Node's TLS (OpenSSL) completes a mutual handshake with
// them, in TLS 1.3 and 1.2, with both leaves of the type and with a client leaf of another type.
describe("the key-type matrix: mutual TLS over 127.0.0.1", () => {
  const other = (key: KeySpec) => MATRIX_KEYS[(MATRIX_KEYS.indexOf(key) + 1) % MATRIX_KEYS.length];
  for (const caKey of MATRIX_KEYS) {
    describe(`${keyLabel(caKey)} CA`, () => {
      let ca: CaKeyPair;
      let foreign: Bundle;
      before(async () => {
        [ca, foreign] = await Promise.all([
          createCa({ commonName: `TLS Matrix ${keyLabel(caKey)} CA`, key: caKey }),
          createCa({ commonName: `TLS Matrix ${keyLabel(caKey)} CA`, key: caKey }).then((c) =>
            bundle(c, { server: caKey, client: caKey }),
          ),
        ]);
      });
      for (const leafKey of MATRIX_KEYS) {
        test(`${keyLabel(leafKey)} leaves (and a ${keyLabel(other(leafKey))} client leaf)`, async () => {
          for (const keys of [
            { server: leafKey, client: leafKey },
            { server: leafKey, client: other(leafKey) },
          ]) {
            const b = await bundle(ca, keys);
            const what = `server ${keyLabel(keys.server)}, client ${keyLabel(keys.client)}`;
            for (const maxVersion of ["TLSv1.3", "TLSv1.2"] as const) {
              const outcome = await handshake(mutual(b), { host: "127.0.0.1", maxVersion });
              assertAccepted(outcome, `${what}, ${maxVersion}`);
              assert.equal(outcome.protocol, maxVersion);
              // each side saw the other's certificate, the one of the key type asked for
              assert.equal(outcome.served, new X509Certificate(b.server.certPem).fingerprint256);
              assert.equal(outcome.shown, new X509Certificate(b.client.certPem).fingerprint256);
            }
            // a same-named CA of the same type is no substitute, on either side
            const refusedClient = await handshake(mutual(b, foreign.client), { host: "127.0.0.1" });
            assert.equal(refusedClient.ok, false, `${what}: a foreign client certificate`);
            const refusedServer = await handshake({ ...mutual(b), server: foreign.server }, { host: "127.0.0.1" });
            assert.equal(refusedServer.ok, false, `${what}: a foreign server certificate`);
            assert.match(refusedServer.clientError ?? "", /certificate|signature/i);
          }
        });
      }
    });
  }
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** PEM material for TLS tests: a CA, a server certificate it signed, and an unrelated CA. */
export interface TestCertificates {
  /** The CA that signed `cert`; trusting it makes the server verifiable. */
  ca: string;
  /** The server's certificate, for the DNS names and IPs asked for. */
  cert: string;
  key: string;
  /** A CA that signed nothing here: trusting only it must fail verification. */
  otherCa: string;
}

/**
 * Makes fresh P-256 certificates with the `openssl` command, valid for one day, for `dnsNames`
 * and `ips` (subjectAltName). Nothing is kept on disk afterwards.
 */
export function makeTestCertificates(dnsNames: readonly string[], ips: readonly string[] = []): TestCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'overshare-certs-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  const newCa = (name: string, subject: string) => openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', subject, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', file(`${name}.key`), '-out', file(`${name}.pem`)]);
  try {
    newCa('ca', '/CN=overshare test CA');
    newCa('other-ca', '/CN=overshare unrelated test CA');
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${dnsNames[0] ?? ips[0] ?? 'server'}`,
      '-keyout', file('server.key'), '-out', file('server.csr')]);
    const altNames = [...dnsNames.map((name) => `DNS:${name}`), ...ips.map((ip) => `IP:${ip}`)].join(',');
    writeFileSync(file('server.ext'), `subjectAltName=${altNames}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    openssl(['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '1',
      '-extfile', file('server.ext'), '-out', file('server.pem')]);
    const read = (name: string) => readFileSync(file(name), 'utf8');
    return { ca: read('ca.pem'), cert: read('server.pem'), key: read('server.key'), otherCa: read('other-ca.pem') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

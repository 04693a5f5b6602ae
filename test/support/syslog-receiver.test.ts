import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestCertificates } from './make-test-certificates.js';
import { createOctetCountingParser, startSyslogReceiver, type SyslogReceiver } from './syslog-receiver.js';

const framed = (message: string) => {
  const bytes = Buffer.from(message);
  return Buffer.concat([Buffer.from(`${bytes.length} `), bytes]);
};

function parse(chunks: readonly Buffer[]): { frames: string[]; errors: string[]; pending: number } {
  const frames: string[] = [];
  const errors: string[] = [];
  const parser = createOctetCountingParser((frame) => frames.push(frame.toString('utf8')), (reason) => errors.push(reason));
  for (const chunk of chunks) parser.push(chunk);
  return { frames, errors, pending: parser.pending() };
}

describe('createOctetCountingParser', () => {
  const stream = Buffer.concat([framed('<134>1 - - - - - - first'), framed('<134>1 - - - - - - zweite ü'), framed('third has spaces  and 10 digits 0123456789')]);

  it('splits several frames arriving in one chunk', () => {
    expect(parse([stream])).toEqual({ frames: ['<134>1 - - - - - - first', '<134>1 - - - - - - zweite ü', 'third has spaces  and 10 digits 0123456789'], errors: [], pending: 0 });
  });

  it('reassembles frames split at every possible byte, the length prefix and a multi-byte character included', () => {
    const whole = parse([stream]).frames;
    for (let cut = 1; cut < stream.length; cut += 1) {
      expect(parse([stream.subarray(0, cut), stream.subarray(cut)]).frames).toEqual(whole);
    }
    expect(parse([...stream].map((byte) => Buffer.from([byte]))).frames).toEqual(whole);
  });

  it('keeps an incomplete frame pending until its last byte arrives', () => {
    expect(parse([framed('abcdef').subarray(0, 5)])).toEqual({ frames: [], errors: [], pending: 5 });
  });

  it('reports non-transparent (newline) framing and a zero or oversized length as broken', () => {
    expect(parse([Buffer.from('<134>1 - - - - - - newline framed\n')]).errors).toEqual(['bad MSG-LEN "<134>1"']);
    expect(parse([Buffer.from('05 hello')]).errors).toHaveLength(1);
    expect(parse([Buffer.from(' 5 hello')]).errors).toHaveLength(1);
    expect(parse([Buffer.from('1234567890')]).errors).toHaveLength(1);
  });
});

const receivers: SyslogReceiver[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const receiver of receivers.splice(0)) await receiver.stop();
});

async function start(options: Parameters<typeof startSyslogReceiver>[0] = {}): Promise<SyslogReceiver> {
  const receiver = await startSyslogReceiver(options);
  receivers.push(receiver);
  return receiver;
}

function openTcp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: '127.0.0.1', port }, () => resolve(socket)).once('error', reject);
    sockets.push(socket);
  });
}

describe('syslog receiver', () => {
  it('records octet-counted messages sent over TCP in pieces', async () => {
    const receiver = await start();
    const socket = await openTcp(receiver.port);
    const bytes = Buffer.concat([framed('one'), framed('two')]);
    socket.write(bytes.subarray(0, 3));
    socket.write(bytes.subarray(3));
    await receiver.waitForMessages(2);
    expect(receiver.messages).toEqual(['one', 'two']);
  });

  it('records messages over TLS', async () => {
    const certificates = makeTestCertificates(['syslog.test']);
    const receiver = await start({ tls: certificates });
    const socket = await new Promise<Socket>((resolve, reject) => {
      const client = tlsConnect({ host: '127.0.0.1', port: receiver.port, servername: 'syslog.test', ca: certificates.ca }, () => resolve(client)).once('error', reject);
      sockets.push(client);
    });
    socket.write(framed('over tls'));
    await receiver.waitForMessages(1);
    expect(receiver.messages).toEqual(['over tls']);
  });

  it('closes a connection whose framing is broken and says why', async () => {
    const receiver = await start();
    const socket = await openTcp(receiver.port);
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.on('error', () => undefined);
    socket.write('not framed\n');
    await closed;
    expect(receiver.framingErrors).toEqual(['bad MSG-LEN "not"']);
  });

  it('refuses connections while stopped and records again on the same port after restart', async () => {
    const receiver = await start();
    await receiver.stop();
    await expect(openTcp(receiver.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await receiver.restart();
    (await openTcp(receiver.port)).write(framed('back'));
    await receiver.waitForMessages(1);
    expect(receiver.messages).toEqual(['back']);
  });

  it('rejects waitForMessages with the count it got when too few arrive', async () => {
    const receiver = await start();
    await expect(receiver.waitForMessages(1, 50)).rejects.toThrow('got 0');
  });
});

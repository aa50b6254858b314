// PGlite behind a PostgreSQL socket, serialised per exchange. Not @electric-sql/pglite-socket's server: it queues
// each protocol message on its own, so with several pool connections
// one connection's Parse/Bind/Execute interleave with another's on PGlite's single session — under load Prisma
// then sees "bind message supplies 4 parameters, but prepared statement "" requires 3", "portal "" does not
// exist", or a query bound with another connection's parameters. Here a connection holds PGlite from its first
// message up to the ReadyForQuery that ends the exchange (Sync or simple Query), and for as long as that
// ReadyForQuery says a transaction is open.
import { createServer, type Server, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const GSSENC_REQUEST = 80877104;

class Mutex {
  private held = false;
  private waiters: (() => void)[] = [];
  async acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}

/** Follows the backend's messages in a byte stream and remembers the status of the last ReadyForQuery. */
class ReadyScanner {
  status: 'I' | 'T' | 'E' | undefined;
  private header = Buffer.alloc(0);
  private skip = 0;
  private type = 0;
  feed(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        if (this.type === 0x5a && this.skip === 1) this.status = String.fromCharCode(chunk[i]!) as 'I' | 'T' | 'E';
        this.skip -= n;
        i += n;
        continue;
      }
      const need = 5 - this.header.length;
      const take = chunk.subarray(i, i + need);
      this.header = Buffer.concat([this.header, take]);
      i += take.length;
      if (this.header.length === 5) {
        this.type = this.header[0]!;
        this.skip = this.header.readInt32BE(1) - 4;
        this.header = Buffer.alloc(0);
      }
    }
  }
}

export interface SerialPglite {
  url: string;
  close(): Promise<void>;
}

export async function startSerialPglite(opts: { dataDir?: string; port: number }): Promise<SerialPglite> {
  const db = opts.dataDir ? new PGlite(opts.dataDir) : new PGlite();
  await db.waitReady;
  const lock = new Mutex();
  const sockets = new Set<Socket>();

  const serve = (socket: Socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let inbox = Buffer.alloc(0);
    let started = false;
    let unit: Buffer[] = [];
    let holding = false;
    let closed = false;
    let chain: Promise<void> = Promise.resolve();
    const scanner = new ReadyScanner();

    const run = async (messages: Buffer[], endsExchange = true) => {
      if (closed) return;
      if (!holding) {
        await lock.acquire();
        holding = true;
        // Closed while it waited: nothing to answer.
        if (closed) {
          holding = false;
          lock.release();
          return;
        }
      }
      // The whole exchange in one call (PGlite's main loop reads message after message from the buffer, as a
      // server reads them from its socket) and its answers in one write: one trip into WASM and one syscall per
      // statement instead of one per message.
      const out: Buffer[] = [];
      try {
        await db.execProtocolRawStream(messages.length === 1 ? messages[0]! : Buffer.concat(messages), {
          onRawData: (data) => {
            scanner.feed(data);
            out.push(Buffer.from(data));
          },
        });
      } finally {
        if (out.length && !closed && socket.writable) socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
        if (endsExchange && scanner.status !== 'T' && scanner.status !== 'E') {
          holding = false;
          lock.release();
        }
      }
    };
    const finish = async () => {
      if (holding) {
        if (scanner.status === 'T' || scanner.status === 'E') await db.exec('ROLLBACK').catch(() => undefined);
        holding = false;
        lock.release();
      }
    };
    const enqueue = (job: () => Promise<void>) => {
      chain = chain.then(job).catch(() => {
        socket.destroy();
      });
    };

    socket.on('data', (chunk) => {
      inbox = Buffer.concat([inbox, chunk]);
      for (;;) {
        if (!started) {
          if (inbox.length < 8) return;
          const len = inbox.readInt32BE(0);
          if (inbox.length < len) return;
          const code = inbox.readInt32BE(4);
          const msg = inbox.subarray(0, len);
          inbox = inbox.subarray(len);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) socket.write('N');
          else if (code === CANCEL_REQUEST) socket.end();
          else {
            started = true;
            enqueue(() => run([Buffer.from(msg)]));
          }
          continue;
        }
        if (inbox.length < 5) return;
        const len = 1 + inbox.readInt32BE(1);
        if (inbox.length < len) return;
        const msg = Buffer.from(inbox.subarray(0, len));
        inbox = inbox.subarray(len);
        const type = String.fromCharCode(msg[0]!);
        if (type === 'X') {
          enqueue(async () => {
            await finish();
            socket.end();
          });
          continue;
        }
        unit.push(msg);
        // An exchange ends with Sync or a simple Query (both answered by ReadyForQuery); a Flush asks for the
        // answers so far (a cursor reading pages) while the connection keeps PGlite.
        if (type === 'S' || type === 'Q' || type === 'H') {
          const messages = unit;
          unit = [];
          enqueue(() => run(messages, type !== 'H'));
        }
      }
    });
    const close = () => {
      if (closed) return;
      closed = true;
      sockets.delete(socket);
      enqueue(finish);
    };
    socket.on('close', close);
    socket.on('error', close);
  };

  const server: Server = createServer(serve);
  const port = opts.port;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}

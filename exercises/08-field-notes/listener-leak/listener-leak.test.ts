import { EventEmitter, getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { attach, type Connection } from './listener-leak.ts';

/**
 * A client's connection without a network: it records what it was sent, and counts what was
 * sent to it after it had closed, which a real socket would refuse or throw on.
 */
class FakeConnection extends EventEmitter implements Connection {
  readonly received: string[] = [];
  sentAfterClose = 0;
  #open = true;

  send(message: string): void {
    if (this.#open) this.received.push(message);
    else this.sentAfterClose++;
  }

  close(): void {
    this.#open = false;
    this.emit('close');
  }

  /** Fails the connection; returns what emitting 'error' threw, if anything. */
  fail(): unknown {
    this.#open = false;
    try {
      this.emit('error', new Error('read ECONNRESET'));
      return undefined;
    } catch (error) {
      return error;
    }
  }
}

/** Opens a connection, attaches it, lets it get one message and closes it, `times` times. */
function serve(bus: EventEmitter, times: number): void {
  for (let i = 0; i < times; i++) {
    const conn = new FakeConnection();
    attach(bus, conn);
    bus.emit('message', `hello ${i}`);
    conn.close();
  }
}

describe('attach()', () => {
  it('relays every bus message to the connection', () => {
    const bus = new EventEmitter();
    const conn = new FakeConnection();
    attach(bus, conn);
    for (const message of ['one', 'two', 'three']) bus.emit('message', message);
    expect(
      conn.received,
      "every 'message' the bus emits goes to conn.send(), for as long as the connection is " +
        'open (a listener added with once() relays only the first)',
    ).toEqual(['one', 'two', 'three']);
  });

  it('sends nothing to a connection after it closed', () => {
    const bus = new EventEmitter();
    const conn = new FakeConnection();
    attach(bus, conn);
    bus.emit('message', 'before');
    conn.close();
    bus.emit('message', 'after');
    expect(
      conn.sentAfterClose,
      "the bus still called send() on a closed connection: its listener is still on the bus. On 'close', take the relay off the bus",
    ).toBe(0);
    expect(conn.received).toEqual(['before']);
  });

  it('leaves no listener on the bus after 1,000 connections opened and closed', () => {
    const bus = new EventEmitter();
    serve(bus, 1000);
    expect(
      bus.listenerCount('message'),
      '1,000 connections came and went, and every one left a listener on the bus: each keeps its connection in memory for as long as the bus lives. Remove the listener when the connection closes (off() with the same function you gave on(); setMaxListeners() only hides the warning)',
    ).toBe(0);
    expect(
      bus.eventNames(),
      'after every connection has closed, the bus must hold nothing that attach() added, for any event',
    ).toEqual([]);
  });

  it('gives the bus back exactly the listeners it had before', () => {
    const bus = new EventEmitter();
    const metrics: string[] = [];
    const countMessages = (message: string): void => void metrics.push(message);
    const onShutdown = (): void => {};
    bus.on('message', countMessages);
    bus.on('shutdown', onShutdown);
    serve(bus, 1000);
    expect(
      getEventListeners(bus, 'message'),
      "the bus's own 'message' listener (metrics, say) must survive: remove only the listener this connection added, never all of them (removeAllListeners() takes other code's listeners too)",
    ).toEqual([countMessages]);
    expect(getEventListeners(bus, 'shutdown'), "and other events' listeners stay too").toEqual([
      onShutdown,
    ]);
    expect(metrics).toHaveLength(1000);
  });

  it('keeps the other connections receiving when one closes', () => {
    const bus = new EventEmitter();
    const [a, b, c] = [new FakeConnection(), new FakeConnection(), new FakeConnection()];
    attach(bus, a);
    attach(bus, b);
    attach(bus, c);
    b.close();
    bus.emit('message', 'after b left');
    expect(
      { a: a.received, b: b.received, c: c.received },
      "closing b must stop b's relay and only b's: remove the function that relays to b, not the newest listener or all of them",
    ).toEqual({ a: ['after b left'], b: [], c: ['after b left'] });
    a.close();
    bus.emit('message', 'after a left');
    expect(c.received, 'c is still open and must still receive').toEqual([
      'after b left',
      'after a left',
    ]);
    expect(a.sentAfterClose + b.sentAfterClose, 'nothing goes to a closed connection').toBe(0);
  });

  it('cleans up when the connection fails with an error', () => {
    const bus = new EventEmitter();
    const conn = new FakeConnection();
    attach(bus, conn);
    const thrown = conn.fail();
    expect(
      thrown === undefined ? 'handled' : String(thrown),
      "emitting 'error' threw: an EventEmitter with no 'error' listener throws the error, which would crash the server. Listen for 'error' on the connection",
    ).toBe('handled');
    bus.emit('message', 'after the error');
    expect(
      bus.listenerCount('message'),
      "a failed connection may never emit 'close': take the relay off the bus on 'error' too",
    ).toBe(0);
    expect(conn.sentAfterClose, 'nothing goes to a failed connection').toBe(0);
  });

  it('is safe when a connection closes twice, closes after an error or is detached twice', () => {
    const bus = new EventEmitter();
    const stays = new FakeConnection();
    const [twice, failed, detached] = [
      new FakeConnection(),
      new FakeConnection(),
      new FakeConnection(),
    ];
    attach(bus, twice);
    attach(bus, failed);
    const detach = attach(bus, detached);
    attach(bus, stays);
    twice.close();
    twice.close();
    failed.fail();
    failed.close();
    detach();
    detach();
    detached.close();
    bus.emit('message', 'still here?');
    expect(
      stays.received,
      "cleaning up a second time must do nothing at all: it removed another connection's listener. Remove this connection's own relay function, which is a no-op once it is gone",
    ).toEqual(['still here?']);
    expect(bus.listenerCount('message'), 'only the open connection is left on the bus').toBe(1);
  });

  it('detach() stops the relay to a connection that stays open', () => {
    const bus = new EventEmitter();
    const conn = new FakeConnection();
    const detach = attach(bus, conn);
    expect(typeof detach, 'attach() returns a detach() function').toBe('function');
    bus.emit('message', 'attached');
    detach();
    bus.emit('message', 'detached');
    expect(
      conn.received,
      'after detach() the connection, still open, gets no more messages from this bus',
    ).toEqual(['attached']);
    expect(bus.listenerCount('message'), 'and its relay is off the bus').toBe(0);
  });

  it('piles up no listeners on a connection moved between buses 1,000 times', () => {
    const rooms = [new EventEmitter(), new EventEmitter()];
    const conn = new FakeConnection();
    const onClose = (): void => {};
    conn.on('close', onClose);
    for (let i = 0; i < 1000; i++) {
      const detach = attach(rooms[i % 2]!, conn);
      detach();
    }
    expect(
      { close: getEventListeners(conn, 'close'), error: conn.listenerCount('error') },
      "detach() left its 'close' or 'error' listener on the connection: a connection that joins and leaves rooms keeps them all. Remove them in detach() too (once() only removes a listener when its event fires)",
    ).toEqual({ close: [onClose], error: 0 });
    attach(rooms[0]!, conn);
    rooms[0]!.emit('message', 'room 0');
    rooms[1]!.emit('message', 'room 1');
    expect(conn.received, 'attached to room 0 again, it gets room 0 only').toEqual(['room 0']);
  });

  it("leaves the bus's listener limit alone", () => {
    const bus = new EventEmitter();
    const limit = bus.getMaxListeners();
    const conns = Array.from({ length: 5 }, () => new FakeConnection());
    for (const conn of conns) attach(bus, conn);
    const whileOpen = bus.getMaxListeners();
    for (const conn of conns) conn.close();
    expect(
      { whileOpen, afterClose: bus.getMaxListeners() },
      'attach() changed the bus\'s listener limit. The "MaxListenersExceededWarning" is how a leak gets noticed: setMaxListeners(0) silences it for every user of the bus and keeps the leak',
    ).toEqual({ whileOpen: limit, afterClose: limit });
  });
});

import type { EventEmitter } from 'node:events';

/**
 * One client's live connection, such as a WebSocket. It emits 'close' when the client goes
 * away and 'error' when the connection fails (a failed connection may never emit 'close').
 */
export interface Connection extends EventEmitter {
  /** Sends one message to the client. */
  send(message: string): void;
}

/**
 * Relays every 'message' the bus emits (one string argument) to `conn`, from now until the
 * connection closes or fails. The bus lives as long as the process: it is shared by every
 * connection the server ever accepts, and by other code that listens to it.
 *
 * When `conn` emits 'close' or 'error', or when the returned detach() is called, take back
 * everything attach() added: the bus gets back exactly the listeners it had before, and so
 * does the connection, so a connection moved from one bus to another 1,000 times piles up
 * nothing either. Other connections keep receiving. A second 'close', a 'close' after an
 * 'error' or a second detach() does nothing. Leave the bus's listener limit as it is: its
 * warning is how the bus's owner learns about a leak.
 */
export function attach(bus: EventEmitter, conn: Connection): () => void {
  bus.on('message', (message: string) => conn.send(message));
  // TODO: this listener stays on the bus after the client has gone, and keeps `conn` with it.
  return () => {};
}

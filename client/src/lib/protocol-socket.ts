/**
 * A ReconnectingSocket that speaks one protocol of shared/protocol (or the proctor feed of shared/api/proctoring.ts):
 * what it sends is typed as the protocol's client message, and every frame it receives is parsed with the protocol's
 * server-message schema (the one the server's tests hold it to) before anyone sees it. A frame that does not parse
 * is dropped and reported, never cast and half-used: the shapes on both ends are one definition.
 */
import type { z } from 'zod';
import { ReconnectingSocket, type ConnectionStatus, type ReconnectingSocketOptions } from './ws-client.ts';

export interface ProtocolSocketOptions<Out, In> extends Omit<ReconnectingSocketOptions, 'onOpen' | 'onMessage'> {
  /** Called on every open, before anything else is sent: say hello here. */
  onOpen(send: (message: Out) => boolean): void;
  onMessage(message: In): void;
  /** A frame that is not a message of the protocol (default: a console warning naming the first problem). */
  onMalformed?(raw: unknown, problem: string): void;
}

export class ProtocolSocket<Out, In> {
  private readonly socket: ReconnectingSocket;

  constructor(schema: z.ZodType<In>, opts: ProtocolSocketOptions<Out, In>) {
    const malformed = opts.onMalformed ?? ((_raw, problem) => console.warn(`Ignored a message the protocol does not know: ${problem}`));
    this.socket = new ReconnectingSocket({
      ...opts,
      onOpen: (send) => opts.onOpen((m: Out) => send(m)),
      onMessage: (raw) => {
        const parsed = schema.safeParse(raw);
        if (parsed.success) opts.onMessage(parsed.data);
        else {
          const issue = parsed.error.issues[0];
          malformed(raw, issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'invalid');
        }
      },
    });
  }

  get status(): ConnectionStatus {
    return this.socket.status;
  }

  start(): void {
    this.socket.start();
  }

  stop(): void {
    this.socket.stop();
  }

  reconnectNow(): void {
    this.socket.reconnectNow();
  }

  send(message: Out): boolean {
    return this.socket.send(message);
  }
}

/** Whether every answer is saved, and the connection state; always visible during the exam. */
import type { ConnectionStatus } from '../../lib/ws-client.ts';
import { connectionText, saveStatusText } from './exam-state.ts';

export function SaveStatus({ pendingAnswers, connection, persistent }: { pendingAnswers: number; connection: ConnectionStatus; persistent: boolean }) {
  const saved = pendingAnswers === 0;
  return (
    <div className="save-status" data-testid="save-status">
      <span className={`pill ${saved ? 'ok' : 'pending'}`} data-testid="save-text">
        <span aria-hidden="true">{saved ? '✓ ' : '⟳ '}</span>
        {saveStatusText({ pendingAnswers })}
      </span>
      <span className={`pill conn-${connection}`} data-testid="connection">
        <span aria-hidden="true">{connection === 'connected' ? '● ' : '○ '}</span>
        {connectionText(connection)}
      </span>
      {!persistent && <span className="pill pending">This browser cannot store answers locally: stay on this page until they are saved.</span>}
    </div>
  );
}

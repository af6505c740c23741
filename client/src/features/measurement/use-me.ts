import { useEffect, useState } from 'react';
import type { Me } from '../../../../shared/api/auth.ts';
import { api } from '../../lib/api-client.ts';

/** The signed-in user, to show admin-only actions (the server checks the role on every call regardless). */
export function useMe(): Me | null {
  const [me, setMe] = useState<Me | null>(null);
  useEffect(() => {
    void api<Me>('GET', '/api/auth/me').then((r) => r.ok && setMe(r.data));
  }, []);
  return me;
}

// The host endpoint contract the kit's browser code calls, and the live /events stream.
import { meldApi } from '@/lib/meld';

export const runtime = 'nodejs'; // node:crypto, long-lived streams
export const dynamic = 'force-dynamic';

export { meldApi as GET, meldApi as POST, meldApi as DELETE };

// Meld's signed webhooks (a static segment wins over the catch-all beside it).
import { meldWebhooks } from '@/lib/meld';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export { meldWebhooks as POST };

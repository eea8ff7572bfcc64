// Signed repair links on the host backend, as docs/renewal-and-notifications.md shows them.
// Type-checked with the stories; test/docs/repairLinksExample.test.ts checks that the guide holds
// this text (from the first import on), so the guide cannot drift from the real signatures.
import {
  createMeldClient,
  createReconnectHandler,
  createRedisEventBus,
  createRedisRepairLinkStore,
  createRepairLinks,
  planReconnectNotifications,
  type NotificationTarget,
  type SentNotification,
} from '../../src/server/index.js';

// Yours: the session lookup, the rows to plan for, the record of what was sent, the mailer.
declare function getUser(request: Request): Promise<{ id: string; email: string } | null>;
declare function loadTargets(): Promise<NotificationTarget[]>;
declare function loadHistory(): Promise<SentNotification[]>;
declare function sendEmail(customerId: string, subject: string, text: string): Promise<void>;

const bus = createRedisEventBus({ url: process.env.REDIS_URL! });

export const repairLinks = createRepairLinks({
  secret: process.env.REPAIR_LINK_SECRET!, // 32+ random bytes, server-only
  previousSecrets: process.env.REPAIR_LINK_SECRET_OLD ? [process.env.REPAIR_LINK_SECRET_OLD] : [],
  linkUrl: 'https://app.example.com/accounts', // the page that lands the link
  ttlSeconds: 72 * 3600,
  store: createRedisRepairLinkStore({ bus }), // used once across all instances
});

export const meldApi = createReconnectHandler({
  meld: createMeldClient({ apiKey: process.env.MELD_API_KEY! }),
  authorize: async (request) => {
    const user = await getUser(request);
    return user ? { externalCustomerId: user.id } : null;
  },
  basePath: '/api/meld',
  bus,
  repairLinks, // mounts POST /api/meld/repair-links/redeem
});

// A scheduled job: the planner asks for a fresh link for each message it writes.
export async function sendDueEmails(): Promise<void> {
  const plan = planReconnectNotifications({
    connections: await loadTargets(),
    history: await loadHistory(),
    policy: { link: repairLinks.link },
    now: new Date(),
  });
  for (const message of plan) {
    if (message.due && message.channel === 'email') await sendEmail(message.customerId, message.subject, message.text);
  }
}

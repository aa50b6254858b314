// The inside of the activity thread (activities/thread/index.ts): the activities with clients of their own —
// a Prisma pool, the mailer, the sealer (inline: this thread is already off the event loop) and the link hooks —
// built from the plain configuration the thread was started with.
import { createActivities, type Activities } from '../index.js';
import { createMailer } from '../mailer.js';
import { createSealer } from '../pdf/index.js';
import { createPrisma } from '../../lib/db/client.js';
import { BACKGROUND_APPLICATION, withApplicationName } from '../../lib/db/application-name.js';
import { createLogger } from '../../lib/logger.js';
import { createLinkHooks } from '../../api/links/index.js';
import type { ActivityThreadConfig } from './config.js';

export interface ActivityHost {
  activities: Activities;
  setPublicUrl(url: string): void;
  close(): Promise<void>;
}

export function hostActivities(config: ActivityThreadConfig): ActivityHost {
  // Named, so that PostgreSQL's pg_stat_activity tells the activities' connections from the API's.
  const db = createPrisma(withApplicationName(config.databaseUrl, BACKGROUND_APPLICATION), { poolSize: config.dbPoolSize });
  const mailer = createMailer({ db, smtpUrl: config.smtpUrl, from: config.mailFrom });
  const logger = createLogger(config.logLevel, 'activities');
  let publicUrl = config.publicUrl;
  const activities = createActivities({
    db,
    mailer,
    sealer: createSealer(config.sealer),
    get publicUrl() {
      return publicUrl;
    },
    logger,
    ...createLinkHooks({ db, publicUrl: () => publicUrl }),
  });
  return {
    activities,
    setPublicUrl(url) {
      publicUrl = url;
    },
    async close() {
      mailer.close();
      await db.$disconnect();
    },
  };
}

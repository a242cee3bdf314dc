import { helper, type EventArgs, type EventSubscriber } from '@mikro-orm/core';

/**
 * SQLite only (MikroORM 7.2): dates are stored as epoch milliseconds, and the change set of a flush compares the
 * entity's dates as numbers — but the snapshot of a row loaded by a query keeps them as Date objects, so every date
 * column of every loaded row counted as changed: a flush wrote them back (`updated_at` moved although nothing had
 * changed) and a 転入 ran about ten needless UPDATEs (issue 15 item 4). This puts the loaded snapshot's dates into
 * the number form the comparison uses. MariaDB / MySQL keep Date on both sides and need nothing.
 */
export class SqliteDateSnapshotSubscriber implements EventSubscriber {
  onLoad(args: EventArgs<object>): void {
    const wrapped = helper(args.entity);
    const snapshot = wrapped.__originalEntityData as Record<string, unknown> | undefined;
    if (!snapshot) return;
    for (const prop of args.meta.props)
      if (prop.runtimeType === 'Date' && snapshot[prop.name] instanceof Date)
        snapshot[prop.name] = (snapshot[prop.name] as Date).getTime();
  }
}

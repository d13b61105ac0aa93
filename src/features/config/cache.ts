/**
 * Per-instance cache of team configurations. An apply on this instance invalidates at once;
 * other instances reload after `ttlMs`, so a change reaches every instance within seconds.
 */
import type { Queryable } from '../../core/db/types.ts';
import { buildTeamConfig, type TeamConfig } from './model.ts';
import { loadTeamConfigRows } from './repo.ts';

export class ConfigCache {
  private entries = new Map<string, Promise<TeamConfig>>();

  constructor(
    private db: Queryable,
    private ttlMs = 5000,
  ) {}

  async get(teamId: string): Promise<TeamConfig> {
    const cached = this.entries.get(teamId);
    if (cached !== undefined) {
      const config = await cached;
      if (Date.now() - config.loadedAt < this.ttlMs) return config;
      if (this.entries.get(teamId) !== cached) return this.get(teamId);
    }
    const loading = loadTeamConfigRows(this.db, teamId).then(buildTeamConfig);
    this.entries.set(teamId, loading);
    loading.catch(() => this.entries.delete(teamId));
    return loading;
  }

  invalidate(teamId?: string): void {
    if (teamId) this.entries.delete(teamId);
    else this.entries.clear();
  }
}

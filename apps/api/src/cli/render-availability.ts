/**
 * The report's OLLAMA AVAILABILITY section: the share of the gateway's `/api/ps` polls that
 * Ollama answered in the window, and its outages (UTC). Nothing when the gateway never polled.
 */
import type { Availability } from '@ollama-perf/core';
import { renderTable } from './table.js';

/** A duration as `1h 02m 03s`, `2m 05s` or `4.2s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${(ms / 1000).toFixed(1)}s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m ${s}s` : `${m}m ${s}s`;
}

const utc = (ts: number) => `${new Date(ts).toISOString().slice(0, 19).replace('T', ' ')}Z`;

/**
 * The section's lines (each ending the section with an empty line), or none without `availability`.
 *
 * @example
 * out.push(...renderAvailability(summary.availability, heading));
 */
export function renderAvailability(
  availability: Availability | undefined,
  heading: (text: string) => string = (text) => text,
): string[] {
  if (availability === undefined) return [];
  const { polls, answered, share, outages } = availability;
  const answeredText =
    share === null ? 'no polls in this window' : `${(share * 100).toFixed(2)}% (${answered} of ${polls} polls)`;
  const out = [heading('OLLAMA AVAILABILITY'), `  ${'Polls answered'.padEnd(18)}${answeredText}`];
  out.push(`  ${'Outages'.padEnd(18)}${outages.length === 0 ? 'none' : String(outages.length)}`);
  if (outages.length > 0)
    out.push(
      ...renderTable(
        [
          { header: 'outage start', align: 'left' },
          { header: 'end', align: 'left' },
          { header: 'duration' },
          {
            header: 'first error',
            align: 'left',
          },
        ],
        outages.map((o) => [
          utc(o.start),
          o.end === null ? 'ongoing' : utc(o.end),
          formatDuration(o.duration_ms),
          (o.error ?? '-').slice(0, 40),
        ]),
      ),
    );
  out.push('');
  return out;
}

// uid/gid mappings, for the container's user namespace and for idmapped mounts. The kernel
// refuses a map whose ranges overlap or run past 2^32 (user_namespaces(7)); saying so here
// names the entry instead of failing later with a bare EINVAL from writing uid_map.
import { Findings, Seg, SPEC, arr, num, obj } from './report';

const ID_LIMIT = 2 ** 32;

interface Range {
  index: number;
  start: number;
  end: number;
}

export function checkIdMappings(list: unknown, at: readonly Seg[], f: Findings): void {
  const inside: Range[] = [];
  const outside: Range[] = [];
  arr(list).forEach((entry, index) => {
    const m = obj(entry);
    const containerID = num(m?.containerID);
    const hostID = num(m?.hostID);
    const size = num(m?.size);
    if (containerID === undefined || hostID === undefined || size === undefined || size < 1) return;
    for (const [field, start] of [
      ['containerID', containerID],
      ['hostID', hostID],
    ] as const) {
      if (start + size > ID_LIMIT) {
        f.error(
          [...at, index, 'size'],
          `${field} ${start} + size ${size} runs past the last id 4294967295`,
          `each range must end at or below 4294967296, see user_namespaces(7); ${SPEC.userMappings}`,
        );
      }
    }
    inside.push({ index, start: containerID, end: containerID + size });
    outside.push({ index, start: hostID, end: hostID + size });
  });
  reportOverlaps(inside, 'containerID', at, f);
  reportOverlaps(outside, 'hostID', at, f);
}

function reportOverlaps(ranges: Range[], field: string, at: readonly Seg[], f: Findings): void {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (cur.start < prev.end) {
      const [first, second] = prev.index < cur.index ? [prev, cur] : [cur, prev];
      f.error(
        [...at, second.index, field],
        `${field} range overlaps the one at index ${first.index}`,
        `ranges of one map must not overlap, see user_namespaces(7); ${SPEC.userMappings}`,
      );
    }
  }
}

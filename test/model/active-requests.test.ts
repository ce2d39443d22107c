import { describe, expect, it } from 'vitest';
import { ActiveRequests } from '../../src/model/active-requests.js';
import { Request } from '../../src/model/request.js';

const owner = { name: 'c' } as unknown as ConstructorParameters<typeof Request>[0];
function requests(n: number): Request[] {
  return Array.from({ length: n }, (_, i) => new Request(owner).init(i, owner, 'c', 's', undefined, undefined));
}
const ids = (list: ActiveRequests) => list.toArray().map((r) => r.id);

describe('a pod’s active requests', () => {
  it.each([
    // [case, added (ids), deleted (ids, in order), left in order]
    ['nothing deleted: insertion order', [0, 1, 2, 3], [], [0, 1, 2, 3]],
    ['the head', [0, 1, 2], [0], [1, 2]],
    ['the tail', [0, 1, 2], [2], [0, 1]],
    ['a middle one', [0, 1, 2], [1], [0, 2]],
    ['all, then the list is empty', [0, 1, 2], [1, 0, 2], []],
    ['one never added changes nothing', [0, 2], [1], [0, 2]],
    ['deleting twice is deleting once', [0, 1, 2], [1, 1], [0, 2]],
  ] as const)('%s', (_name, added, deleted, left) => {
    const reqs = requests(4);
    const list = new ActiveRequests();
    for (const i of added) list.add(reqs[i]!);
    for (const i of deleted) list.delete(reqs[i]!);
    expect(ids(list)).toEqual(left);
  });

  it('takes a request again after it left, at the end', () => {
    const [a, b, c] = requests(3);
    const list = new ActiveRequests();
    list.add(a!);
    list.add(b!);
    list.add(c!);
    list.delete(a!);
    list.add(a!);
    expect(ids(list)).toEqual([1, 2, 0]);
  });

  it('does not take from one pod’s list a request that is in another’s', () => {
    const [a, b] = requests(2);
    const one = new ActiveRequests();
    const other = new ActiveRequests();
    one.add(a!);
    one.add(b!);
    other.delete(b!);
    expect(ids(one)).toEqual([0, 1]);
  });
});

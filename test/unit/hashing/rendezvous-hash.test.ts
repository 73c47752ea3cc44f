// The shared rendezvous hash is the one mirrors have always used: a pinned key keeps its pinned winner.

import { rendezvousChoice } from '../../../src/hashing/rendezvous-hash';
import { rendezvousChoice as mirrorChoice } from '../../../src/mirrors/mirror-choice';

describe('rendezvousChoice', () => {
  it('mirrors › choose through the same function', () => {
    expect(mirrorChoice).toBe(rendezvousChoice);
  });

  it('ties of score › the smaller name wins, whatever the order', () => {
    const twins = [
      { name: 'b', weight: Infinity },
      { name: 'a', weight: Infinity },
    ];
    expect(rendezvousChoice(twins, 'key')?.name).toBe('a');
  });
});

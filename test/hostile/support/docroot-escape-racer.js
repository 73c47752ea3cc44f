// The racer of the docroot-escape scenario, a separate process so it swaps as fast as the kernel lets it:
// a docroot folder is renamed away and a symlink to a folder outside the root is renamed into its place, and back.
// Plain JavaScript (run by node directly); it prints how many swaps it made when it gets SIGTERM.
'use strict';

const { renameSync } = require('node:fs');

const [target, realStash, linkStash] = process.argv.slice(2);
let swaps = 0;
let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});

function swapMany() {
  // A burst of swaps, then one turn of the event loop so SIGTERM is noticed.
  for (let i = 0; i < 2000 && !stopping; i++) {
    try {
      renameSync(realStash, target); // the real folder is in place
      renameSync(target, realStash);
      renameSync(linkStash, target); // the symlink out of the root is in place
      renameSync(target, linkStash);
      swaps += 2;
    } catch {
      // A rename can only fail if the scenario is tearing the folder down.
    }
  }
  if (stopping) {
    process.stdout.write(`${swaps}\n`);
    process.exit(0);
  }
  setImmediate(swapMany);
}

swapMany();

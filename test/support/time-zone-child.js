// Child process for tests that format times under several TZ values: jest hands tests a copy of process.env, so
// TZ set inside a test never reaches the Date implementation; in a process of its own it does (Node re-reads TZ
// whenever process.env.TZ is assigned). Loads the TypeScript module named by argv[2] once, then answers
// { id, zone, cases } messages with { id, results }, each case being the arguments of that module's `formatTime`.
const { readFileSync } = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, file) => {
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  module._compile(outputText, file);
};

const { formatTime } = require(process.argv[2]);

process.on('message', ({ id, zone, cases }) => {
  process.env.TZ = zone;
  process.send({ id, results: cases.map((args) => formatTime(...args)) });
});
process.on('disconnect', () => process.exit(0));

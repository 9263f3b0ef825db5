// `wasm-opt -Oz` on every module named, in one process: npm's binaryen (scripts/tools.sh
// installs it under .tools) spends half a second starting, which the SPA's 240 split
// modules would otherwise pay one by one. Features: those the module declares, plus bulk
// memory and non-trapping float-to-int, which rustc emits for wasm32.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const { default: binaryen } = await import(`${root}.tools/node_modules/binaryen/index.js`);
binaryen.setOptimizeLevel(2);
binaryen.setShrinkLevel(2);
for (const file of process.argv.slice(2)) {
  const module = binaryen.readBinary(readFileSync(file));
  const { BulkMemory, NontrappingFPToInt } = binaryen.Features;
  module.setFeatures(module.getFeatures() | BulkMemory | NontrappingFPToInt);
  module.optimize();
  writeFileSync(file, module.emitBinary());
  module.dispose();
}

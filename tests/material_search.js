// Material's own search worker, run in Node on a search_index.json, as a reader's browser runs it:
//   node material_search.js WORKER.js search_index.json queries.json
// queries.json is a list of queries as typed into the search box; prints, for each, the
// locations of the entries the worker returns (test_searchindex.py compares two indexes).
"use strict";
const fs = require("fs");
const vm = require("vm");

const [workerPath, indexPath, queriesPath] = process.argv.slice(2);
const listeners = [];
const answers = [];
const scope = { console, setTimeout, Promise, URL, performance };
scope.self = scope;
scope.addEventListener = (type, listener) => listeners.push(listener);
scope.postMessage = message => answers.push(message);
vm.createContext(scope);
vm.runInContext(fs.readFileSync(workerPath, "utf8"), scope);

// The worker's message types (material's SearchMessageType): setup, ready, query, result.
const SETUP = 0, QUERY = 2;

async function ask(message) {
  const before = answers.length;
  await listeners[0]({ data: message });
  while (answers.length === before) await new Promise(done => setTimeout(done, 1));
  return answers[answers.length - 1];
}

(async () => {
  const index = JSON.parse(fs.readFileSync(indexPath, "utf8"));
  await ask({ type: SETUP, data: { config: index.config, docs: index.docs, options: { suggest: false } } });
  const found = {};
  for (const query of JSON.parse(fs.readFileSync(queriesPath, "utf8"))) {
    const result = await ask({ type: QUERY, data: query });
    found[query] = result.data.items.flat().filter(item => item.score > 0).map(item => item.location).sort();
  }
  process.stdout.write(JSON.stringify(found));
})();

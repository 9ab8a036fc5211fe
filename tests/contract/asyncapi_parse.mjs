// The AsyncAPI project's own parser reads a document and prints its diagnostics as JSON
// (tests/contract/test_asyncapi.py). Usage: node asyncapi_parse.mjs PARSER_DIR DOCUMENT
import { createRequire } from 'module';
import fs from 'fs';
import path from 'path';

const require = createRequire(path.resolve(process.argv[2], 'package.json'));
const { Parser } = require('@asyncapi/parser');
const { document, diagnostics } = await new Parser().parse(fs.readFileSync(process.argv[3], 'utf8'));
console.log(JSON.stringify({
  parsed: Boolean(document),
  channels: document ? document.channels().length : 0,
  messages: document ? document.allMessages().length : 0,
  diagnostics: diagnostics.map(d => ({ severity: d.severity, code: d.code, path: d.path.join('.'), message: d.message })),
}));

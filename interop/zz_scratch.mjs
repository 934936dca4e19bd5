import jsonld from 'jsonld';
import fs from 'fs';
import {documentLoader} from './di-common.mjs';
const doc = JSON.parse(fs.readFileSync('/tmp/exp/doc.json','utf8'));
const exp = await jsonld.expand(doc, {documentLoader, safe: true});
fs.writeFileSync('/tmp/exp/js-expanded.json', JSON.stringify(exp, null, 1));
const nq = await jsonld.canonize(doc, {documentLoader, algorithm: 'URDNA2015', format: 'application/n-quads', safe: true});
fs.writeFileSync('/tmp/exp/js.nq', nq);

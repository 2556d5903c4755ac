// Writes tiktoken's cache file for the cl100k_base encoding into the folder given as argv[2]
// (use it as TIKTOKEN_CACHE_DIR), rebuilt from the npm package js-tiktoken, so that Llama Stack
// 0.7.x starts without downloading it.
// tiktoken (tiktoken/load.py, read_file_cached) looks for <dir>/<sha1 of the blob URL> and uses
// it only when its sha256 equals the expected_hash pinned in tiktoken_ext/openai_public.py;
// both values are repeated here and the file is written only when the hash matches.
// Prints one line: "[llama-stack] tiktoken cl100k_base: cached|written (<path>)".
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BLOB_URL = 'https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken';
const EXPECTED_SHA256 = '223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node tiktoken-cache.mjs <TIKTOKEN_CACHE_DIR>');
  process.exit(2);
}
const file = join(dir, createHash('sha1').update(BLOB_URL).digest('hex'));
const sha256 = (data) => createHash('sha256').update(data).digest('hex');
if (existsSync(file) && sha256(readFileSync(file)) === EXPECTED_SHA256) {
  console.log(`[llama-stack] tiktoken cl100k_base: cached (${file})`);
  process.exit(0);
}
// js-tiktoken's ranks: one line per run of consecutive ranks, "<ignored> <first rank> <base64 token> …".
const { default: ranks } = await import('js-tiktoken/ranks/cl100k_base');
const rows = [];
for (const line of ranks.bpe_ranks.split('\n').filter(Boolean)) {
  const [, offset, ...tokens] = line.split(' ');
  tokens.forEach((t, i) => rows.push([t, Number(offset) + i]));
}
rows.sort((a, b) => a[1] - b[1]);
const text = rows.map(([t, r]) => `${t} ${r}\n`).join('');
if (sha256(text) !== EXPECTED_SHA256) {
  console.error(`[llama-stack] tiktoken cl100k_base rebuilt from js-tiktoken does not match sha256 ${EXPECTED_SHA256}: check the js-tiktoken version`);
  process.exit(1);
}
mkdirSync(dir, { recursive: true });
writeFileSync(`${file}.tmp`, text);
renameSync(`${file}.tmp`, file);
console.log(`[llama-stack] tiktoken cl100k_base: written (${file})`);

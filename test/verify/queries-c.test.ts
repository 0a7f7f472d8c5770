import { queryFiles, verifyFiles } from './queries.js';
const files = queryFiles();
verifyFiles(files.filter((_, i) => i % 4 === 2));

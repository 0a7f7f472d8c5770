import { runCaseFiles } from './run-cases.js';
runCaseFiles(1, 4);

import { runCaseFiles } from './run-cases.js';
runCaseFiles(2, 4);

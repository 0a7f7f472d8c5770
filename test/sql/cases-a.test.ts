import { runCaseFiles } from './run-cases.js';
runCaseFiles(0, 4);

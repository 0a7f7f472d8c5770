import { runCaseFiles } from './run-cases.js';
runCaseFiles(3, 4);
